variable "name_prefix" {
  description = "Prefix of every resource name, e.g. \"prod-maestro-\"."
  type        = string
}

variable "state_machine_name" {
  description = "Name of the tick state machine (its ARN is computed from it, so the functions can be configured before it exists)."
  type        = string
}

variable "definition_file" {
  description = "The ASL definition in the repository: functions-aws/src/main/resources/statemachine/tick.asl.json."
  type        = string
}

variable "phase_function_arns" {
  description = "Qualified ARNs (alias \"live\") of the phase functions, keyed tick-acquire, tick-step, tick-persist, tick-schedule-wake, tick-release, tick-fail."
  type        = map(string)
}

variable "sweep_function_arn" {
  description = "Qualified ARN of the sweep function (alias \"live\")."
  type        = string
}

variable "sweep_function_name" {
  description = "Name of the sweep function."
  type        = string
}

variable "sweep_schedule" {
  description = "Schedule expression of the timer-ledger sweeper (ADR-0007: one minute)."
  type        = string
  default     = "rate(1 minute)"
}

variable "log_retention_days" {
  description = "Retention of the state machine's log group."
  type        = number
  default     = 30
}

variable "kms_key_arn" {
  description = "KMS key for the log group and the wake DLQ; null uses AWS-managed keys."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
  default     = {}
}
