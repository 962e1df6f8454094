variable "name_prefix" {
  description = "Prefix of every resource name, e.g. \"prod-maestro-\"."
  type        = string
}

variable "dashboard_file" {
  description = "The dashboard body in the repository: infra/aws/dashboards/maestro-cloudwatch.json."
  type        = string
}

variable "function_names" {
  description = "Function names to alarm on (errors, throttles), by key."
  type        = map(string)
}

variable "dlq_names" {
  description = "SQS dead-letter queues to alarm on (any visible message)."
  type        = list(string)
}

variable "state_machine_arn" {
  description = "The tick state machine (failed and timed-out executions)."
  type        = string
}

variable "alarm_email" {
  description = "Address subscribed to the alarm topic; empty: no subscription."
  type        = string
  default     = ""
}

variable "error_threshold" {
  description = "Function errors per 5 minutes that raise the alarm."
  type        = number
  default     = 5
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
  default     = {}
}
