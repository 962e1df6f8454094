variable "name_prefix" {
  description = "Prefix of every resource name, e.g. \"prod-maestro-\"."
  type        = string
}

variable "api_function_name" {
  description = "Name of the api function."
  type        = string
}

variable "api_function_alias_arn" {
  description = "Qualified ARN of the api function's \"live\" alias."
  type        = string
}

variable "cognito_domain_prefix" {
  description = "Hosted-UI / token endpoint domain prefix of the user pool; empty: no domain."
  type        = string
  default     = ""
}

variable "callback_urls" {
  description = "OAuth callback URLs of the app client (authorization-code flow); empty: client-credentials and SRP only."
  type        = list(string)
  default     = []
}

variable "cors_allowed_origins" {
  description = "Origins allowed by CORS; empty: no CORS configuration."
  type        = list(string)
  default     = []
}

variable "throttling_burst_limit" {
  description = "Stage-wide burst limit."
  type        = number
  default     = 200
}

variable "throttling_rate_limit" {
  description = "Stage-wide steady rate limit (requests per second)."
  type        = number
  default     = 100
}

variable "log_retention_days" {
  description = "Retention of the access-log group."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
  default     = {}
}
