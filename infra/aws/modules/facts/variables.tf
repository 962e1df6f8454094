variable "name_prefix" {
  description = "Prefix of every resource name, e.g. \"prod-maestro-\"."
  type        = string
}

variable "bucket_name" {
  description = "S3 bucket of the fact rows (the warm store)."
  type        = string
}

variable "buffering_seconds" {
  description = "Firehose buffering interval."
  type        = number
  default     = 300
}

variable "buffering_mb" {
  description = "Firehose buffering size."
  type        = number
  default     = 64
}

variable "kms_key_arn" {
  description = "KMS key of the bucket; null: SSE-S3."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
  default     = {}
}
