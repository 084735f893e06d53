/* SPDX-License-Identifier: MIT */
/*
 * seed.c: the web service the emulator starts with.  It is the request
 * body of the specification's example putWebService.json (Azure/
 * azure-rest-api-specs, MIT licence) with what a predictive service
 * adds: a "Resource" asset named "... [trained model]" that points at
 * an .ilearner blob, the Score Model module that takes it, and a
 * storage account, commitment plan and workspace of the seeded
 * subscription.  The location is South Central US, where the resource
 * provider ran (the example's West US was not one of its regions).
 *
 * @SUB@, @RG@, @BASE@, @WSID@ and @STORAGEKEY@ are filled in at seeding.
 */
#include "emu.h"

const char emu_seed_service[] =
    "{\"location\":\"South Central US\",\"tags\":{\"project\":\"aml-tools\","
    "\"purpose\":\"demo\"},\"properties\":{\"title\":\"Adult Census Income Predictor\","
    "\"description\":\"Predicts whether income exceeds $50K/yr from census data (aml-emulator demo service,"
    " built from the putWebService.json example).\",\"readOnly\":false,"
    "\"exposeSampleData\":true,\"storageAccount\":{\"name\":\"amlemustore\","
    "\"key\":\"@STORAGEKEY@\"},\"commitmentPlan\":{\"id\":\"/subscriptions/@SUB@/resourceGroups/@RG@/providers/Microsoft.MachineLearning/commitmentPlans/aml-demo-plan\"},"
    "\"realtimeConfiguration\":{\"maxConcurrentCalls\":4},\"diagnostics\":{"
    "\"level\":\"None\"},\"payloadsInBlobStorage\":false,\"machineLearningWorkspace\":{"
    "\"id\":\"@WSID@\"},\"packageType\":\"Graph\",\"assets\":{\"asset1\":{\"name\":\"Execute R Script\","
    "\"type\":\"Module\",\"locationInfo\":{\"uri\":\"aml://module/moduleId-1\","
    "\"credentials\":\"\"}},\"asset2\":{\"name\":\"Import Data\",\"type\":\"Module\","
    "\"locationInfo\":{\"uri\":\"aml://module/moduleId-2\",\"credentials\":\"\"}},"
    "\"asset3\":{\"name\":\"Adult Census Income Model [trained model]\","
    "\"type\":\"Resource\",\"locationInfo\":{\"uri\":\"@BASE@/blob/amlemustore/models/adult-census-income.ilearner\","
    "\"credentials\":\"\"}},\"asset4\":{\"name\":\"Score Model\",\"type\":\"Module\","
    "\"locationInfo\":{\"uri\":\"aml://module/moduleId-4\",\"credentials\":\"\"},"
    "\"inputPorts\":{\"Trained model\":{\"type\":\"Dataset\"},\"Dataset\":{"
    "\"type\":\"Dataset\"}},\"outputPorts\":{\"Scored dataset\":{\"type\":\"Dataset\"}}}},"
    "\"parameters\":{},\"input\":{\"title\":\"\",\"description\":\"\",\"type\":\"object\","
    "\"properties\":{\"input1\":{\"title\":\"\",\"description\":\"\",\"type\":\"object\","
    "\"properties\":{\"column_name\":{\"type\":\"String\",\"x-ms-isnullable\":false}}}}},"
    "\"output\":{\"title\":\"\",\"description\":\"\",\"type\":\"object\",\"properties\":{"
    "\"output1\":{\"title\":\"\",\"description\":\"\",\"type\":\"object\",\"properties\":{"
    "\"age\":{\"type\":\"Integer\",\"format\":\"Int32\",\"x-ms-isnullable\":true},"
    "\"workclass\":{\"type\":\"String\",\"x-ms-isnullable\":false}}}}},\"package\":{"
    "\"nodes\":{\"node1\":{\"assetId\":\"asset1\",\"parameters\":{\"R Script\":{"
    "\"value\":\"The R Script\",\"certificateThumbprint\":\"\"},\"R Version\":{"
    "\"value\":\"CRAN R 3.1.0\",\"certificateThumbprint\":\"\"}}},\"node2\":{"
    "\"assetId\":\"asset2\",\"parameters\":{\"Please Specify Data Source\":{"
    "\"value\":\"AzureBlobStorage\",\"certificateThumbprint\":\"\"},\"Please Specify Authentication Type\":{"
    "\"value\":\"Account\",\"certificateThumbprint\":\"\"},\"Account Name\":{"
    "\"value\":\"accountName\",\"certificateThumbprint\":\"\"},\"Account Key\":{"
    "\"value\":\"Encrypted Key\",\"certificateThumbprint\":\"TheThumbprint\"}}},"
    "\"node3\":{\"inputId\":\"input1\"},\"node4\":{\"outputId\":\"output1\"},"
    "\"node5\":{\"assetId\":\"asset3\"},\"node6\":{\"assetId\":\"asset4\",\"parameters\":{"
    "\"Append score columns to output\":{\"value\":\"True\",\"certificateThumbprint\":\"\"}}}},"
    "\"edges\":[{\"sourceNodeId\":\"node2\",\"sourcePortId\":\"Results dataset\","
    "\"targetNodeId\":\"node1\",\"targetPortId\":\"Dataset2\"},{\"sourceNodeId\":\"node3\","
    "\"targetNodeId\":\"node1\",\"targetPortId\":\"Dataset1\"},{\"sourceNodeId\":\"node5\","
    "\"targetNodeId\":\"node6\",\"targetPortId\":\"Trained model\"},{\"sourceNodeId\":\"node1\","
    "\"sourcePortId\":\"Result Dataset\",\"targetNodeId\":\"node6\",\"targetPortId\":\"Dataset\"},"
    "{\"sourceNodeId\":\"node6\",\"sourcePortId\":\"Scored dataset\",\"targetNodeId\":\"node4\"}],"
    "\"graphParameters\":{}},\"exampleRequest\":{\"inputs\":{\"input1\":["
    "[\"age\"],[\"workclass\"],[\"fnlwgt\"],[\"education\"],[\"education-num\"]]},"
    "\"globalParameters\":null}}}";
