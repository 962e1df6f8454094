output "wake_queue_url" {
  description = "SQS queue for stream messages."
  value       = aws_sqs_queue.wakes.url
}

output "kinesis_stream_name" {
  description = "Kinesis stream for stream messages, when enabled."
  value       = try(aws_kinesis_stream.wakes[0].name, null)
}

output "dlq_names" {
  description = "Dead-letter queues of the stream sources (alarmed on depth)."
  value = compact([
    aws_sqs_queue.wakes_dlq.name,
    try(aws_sqs_queue.kinesis_dlq[0].name, ""),
    aws_sqs_queue.eventbridge_dlq.name,
    aws_sqs_queue.cdc_dlq.name,
  ])
}
