variable "table_prefix" {
  description = "Prefix of every table name (MAESTRO_TABLE_PREFIX), e.g. \"prod-\"."
  type        = string
}

variable "deletion_protection" {
  description = "Protect the tables against deletion."
  type        = bool
  default     = true
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for table encryption; null uses the AWS-owned key."
  type        = string
  default     = null
}

variable "create_tenant_read_policy" {
  description = "Create an IAM policy that lets a tenant-tagged principal read only its own tenant's items (dynamodb:LeadingKeys)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
  default     = {}
}
