output "delivery_stream_name" {
  description = "MAESTRO_FACTS_DELIVERY_STREAM."
  value       = aws_kinesis_firehose_delivery_stream.facts.name
}

output "delivery_stream_arn" {
  description = "The delivery stream's ARN."
  value       = aws_kinesis_firehose_delivery_stream.facts.arn
}

output "bucket_name" {
  description = "The fact rows' bucket."
  value       = aws_s3_bucket.facts.bucket
}
