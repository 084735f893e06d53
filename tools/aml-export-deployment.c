/* SPDX-License-Identifier: MIT */
/*
 * aml-export-deployment: an online deployment resource (what
 * aml-get-deployment prints, what Resource Manager returns) in, its
 * definition out: the read-only members of the specification dropped
 * (id, name, type, systemData, properties.provisioningState, the
 * identities' principal, tenant and client ids), nulls dropped, the
 * schema's order, 2-space indent.  It trusts what the service returned
 * and checks only what the output depends on; aml-import-deployment
 * validates the rest.  The filter is aml_filter_main with mldefn.c's
 * schema, which aml-import-deployment shares.
 */
#include "aml.h"

int
main(int argc, char *argv[])
{
	static const struct aml_schema schema = { aml_mldefn_check, aml_mldefn_emit };

	return aml_filter_main(argc, argv, &schema, AML_DEFN_SHAPE, "definition written to");
}
