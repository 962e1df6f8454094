variable "name_prefix" {
  description = "Prefix of every resource name, e.g. \"prod-maestro-\"."
  type        = string
}

variable "function_names" {
  description = "Function names by key (the functions module's function_names)."
  type        = map(string)
}

variable "function_alias_arns" {
  description = "Qualified \"live\" alias ARNs by key (the functions module's alias_arns)."
  type        = map(string)
}

variable "role_names" {
  description = "Execution role names by key (the functions module's role_names)."
  type        = map(string)
}

variable "events_stream_arn" {
  description = "The events table's stream (tables module), read by the cdc function."
  type        = string
}

variable "enable_kinesis" {
  description = "Create a Kinesis stream for stream messages and its kinesis-wake mapping."
  type        = bool
  default     = true
}

variable "kinesis_shard_count" {
  description = "Shards of the Kinesis stream (0: on-demand)."
  type        = number
  default     = 0
}

variable "event_bus_name" {
  description = "EventBridge bus whose maestro.stream events wake continuations; null: the default bus."
  type        = string
  default     = null
}

variable "event_pattern" {
  description = "Event pattern of the stream-wake rule."
  type        = string
  default     = "{\"detail-type\":[\"maestro.stream\"]}"
}

variable "kms_key_arn" {
  description = "KMS key for the queues and the Kinesis stream; null uses AWS-managed keys."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
  default     = {}
}
