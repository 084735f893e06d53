/* SPDX-License-Identifier: MIT */
/*
 * aml-import-deployment: an online deployment definition in (exported
 * by aml-export-deployment, patched by aml-patch-model, or edited by
 * hand), validated against the schema of api-version 2024-04-01, and
 * printed canonical: the form aml-export-deployment prints, so that
 * importing is idempotent.  Every problem is reported with its JSON
 * path, one line each, before anything is written; members the schema
 * does not know are warned about and kept.
 */
#include "aml.h"

int
main(int argc, char *argv[])
{
	static const struct aml_schema schema = { aml_mldefn_check, aml_mldefn_emit };

	return aml_filter_main(argc, argv, &schema, AML_DEFN_LOCATION, "valid; definition written to");
}
