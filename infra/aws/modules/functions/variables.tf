variable "name_prefix" {
  description = "Prefix of every function, role and log group name, e.g. \"prod-maestro-\"."
  type        = string
}

variable "table_prefix" {
  description = "MAESTRO_TABLE_PREFIX: the tables module's prefix."
  type        = string
}

variable "table_arns" {
  description = "Table ARNs by DynamoTables accessor (the tables module's table_arns)."
  type        = map(string)
}

variable "packages_dir" {
  description = "Directory holding `./mvnw -pl functions-aws package`'s output (functions-aws/target/lambda): maestro-aws-layer.zip and maestro-aws-<group>.zip."
  type        = string
}

variable "state_machine_arn" {
  description = "The tick state machine (MAESTRO_TICK_STATE_MACHINE_ARN and MAESTRO_WAKE_TARGET_ARN)."
  type        = string
}

variable "schedule_group_name" {
  description = "EventBridge Scheduler group of the one-time wake schedules (MAESTRO_SCHEDULE_GROUP)."
  type        = string
}

variable "scheduler_role_arn" {
  description = "Role EventBridge Scheduler assumes to start the state machine (MAESTRO_SCHEDULER_ROLE_ARN)."
  type        = string
}

variable "wake_dlq_arn" {
  description = "Dead-letter queue of the wake schedules (MAESTRO_WAKE_DLQ_ARN)."
  type        = string
}

variable "facts_delivery_stream_name" {
  description = "Firehose delivery stream of the fact rows (MAESTRO_FACTS_DELIVERY_STREAM)."
  type        = string
}

variable "facts_delivery_stream_arn" {
  description = "ARN of the same delivery stream (firehose:PutRecordBatch)."
  type        = string
}

variable "tenant_claim" {
  description = "MAESTRO_TENANT_CLAIM: the JWT claim naming the tenant (Cognito custom attribute)."
  type        = string
  default     = "custom:tenant"
}

variable "frozen_tenants" {
  description = "MAESTRO_FROZEN_TENANTS: tenants under an emergency compliance freeze (423 on new work; docs/runbooks/freeze-tenant.md)."
  type        = list(string)
  default     = []
}

variable "lease_ttl" {
  description = "MAESTRO_LEASE_TTL (ISO-8601): longer than the tick functions' timeout."
  type        = string
  default     = "PT2M"
}

variable "policy_dir" {
  description = "MAESTRO_POLICY_DIR: tenant policy documents inside the package or a mounted volume; empty: the built-in default policy for every tenant."
  type        = string
  default     = ""
}

variable "otel_exporter_otlp_endpoint" {
  description = "OTEL_EXPORTER_OTLP_ENDPOINT, e.g. http://localhost:4318 with the ADOT collector layer; empty: no export."
  type        = string
  default     = ""
}

variable "extra_layer_arns" {
  description = "Further layers on every function (e.g. the ADOT collector layer)."
  type        = list(string)
  default     = []
}

variable "bedrock_model_arns" {
  description = "Foundation model / inference profile ARNs the tick step function may invoke (bedrock:InvokeModel); empty grants nothing."
  type        = list(string)
  default     = []
}

variable "log_retention_days" {
  description = "Retention of the functions' log groups."
  type        = number
  default     = 30
}

variable "kms_key_arn" {
  description = "KMS key for log groups, environment variables and DLQs; null uses AWS-managed keys."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
  default     = {}
}
