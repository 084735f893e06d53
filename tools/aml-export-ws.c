/* SPDX-License-Identifier: MIT */
/*
 * aml-export-ws: a web service resource (what aml-get-ws prints, what
 * Resource Manager returns) in, its definition out, the way
 * Export-AzMlWebService writes it: id, name, type and the read-only
 * properties dropped, packageType first, nulls dropped, 2-space indent.
 * It trusts what the service returned and checks only what the output
 * depends on (AML_DEFN_SHAPE); aml-import-ws validates the rest.  The
 * filter itself is aml_defn_filter, which aml-import-ws shares.
 */
#include "aml.h"

int
main(int argc, char *argv[])
{
	return aml_defn_filter(argc, argv, AML_DEFN_SHAPE, "definition written to");
}
