# A complete Maestro deployment on AWS: tables, functions, the tick state machine and its
# schedules, the HTTP API with Cognito, stream sources, the fact-row warm store, the ranker and
# the alarms and dashboard. Not applied by the project's tests (no AWS account is reachable from
# them): InfraConsistencyTest checks it against the code, `terraform fmt -check` its format.

locals {
  name_prefix  = "${var.stage}-maestro-"
  table_prefix = "${var.stage}-"
  repo_root    = "${path.root}/../../../.."
}

module "tables" {
  source       = "../../modules/tables"
  table_prefix = local.table_prefix
  tags         = var.tags
}

module "facts" {
  source      = "../../modules/facts"
  name_prefix = local.name_prefix
  bucket_name = var.facts_bucket_name
  tags        = var.tags
}

module "tick" {
  source             = "../../modules/tick"
  name_prefix        = local.name_prefix
  state_machine_name = "${local.name_prefix}tick"
  definition_file    = "${local.repo_root}/functions-aws/src/main/resources/statemachine/tick.asl.json"
  phase_function_arns = {
    for k, arn in module.functions.alias_arns : k => arn if startswith(k, "tick-")
  }
  sweep_function_arn  = module.functions.alias_arns["sweep"]
  sweep_function_name = module.functions.function_names["sweep"]
  tags                = var.tags
}

module "functions" {
  source                      = "../../modules/functions"
  name_prefix                 = local.name_prefix
  table_prefix                = local.table_prefix
  table_arns                  = module.tables.table_arns
  packages_dir                = var.packages_dir
  state_machine_arn           = module.tick.computed_state_machine_arn
  schedule_group_name         = module.tick.schedule_group_name
  scheduler_role_arn          = module.tick.scheduler_role_arn
  wake_dlq_arn                = module.tick.wake_dlq_arn
  facts_delivery_stream_name  = module.facts.delivery_stream_name
  facts_delivery_stream_arn   = module.facts.delivery_stream_arn
  bedrock_model_arns          = var.bedrock_model_arns
  otel_exporter_otlp_endpoint = var.otel_exporter_otlp_endpoint
  extra_layer_arns            = var.extra_layer_arns
  tags                        = var.tags
}

module "api" {
  source                 = "../../modules/api"
  name_prefix            = local.name_prefix
  api_function_name      = module.functions.function_names["api"]
  api_function_alias_arn = module.functions.alias_arns["api"]
  cognito_domain_prefix  = var.cognito_domain_prefix
  tags                   = var.tags
}

module "streams" {
  source              = "../../modules/streams"
  name_prefix         = local.name_prefix
  function_names      = module.functions.function_names
  function_alias_arns = module.functions.alias_arns
  role_names          = module.functions.role_names
  events_stream_arn   = module.tables.events_stream_arn
  tags                = var.tags
}

module "ranker" {
  source                  = "../../modules/ranker"
  name_prefix             = local.name_prefix
  image_tag               = var.ranker_image_tag
  provisioned_concurrency = var.ranker_provisioned_concurrency
  tags                    = var.tags
}

module "observability" {
  source            = "../../modules/observability"
  name_prefix       = local.name_prefix
  dashboard_file    = "${local.repo_root}/infra/aws/dashboards/maestro-cloudwatch.json"
  function_names    = module.functions.function_names
  dlq_names         = concat(module.streams.dlq_names, values(module.functions.async_dlq_names), [module.tick.wake_dlq_name])
  state_machine_arn = module.tick.state_machine_arn
  alarm_email       = var.alarm_email
  tags              = var.tags
}
