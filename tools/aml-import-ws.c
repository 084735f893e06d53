/* SPDX-License-Identifier: MIT */
/*
 * aml-import-ws: a definition in (exported by aml-export-ws or by
 * PowerShell's Export-AzMlWebService, or edited by hand), validated
 * against the schema of the REST specification, and printed canonical:
 * the same form aml-export-ws prints, so that importing is idempotent.
 * Every problem is reported, one line each, before anything is written.
 * The filter itself is aml_defn_filter, which aml-export-ws shares.
 */
#include "aml.h"

int
main(int argc, char *argv[])
{
	return aml_defn_filter(argc, argv, 0, "valid; definition written to");
}
