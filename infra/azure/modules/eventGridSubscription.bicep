// Delivers the Event Grid topic's events to the streamEventGrid function; undeliverable events are
// dead-lettered to a blob container.
param eventGridTopicName string
param functionAppId string
param storageAccountId string
param deadLetterContainerName string = 'maestro-eventgrid-dead-letters'

resource topic 'Microsoft.EventGrid/topics@2024-06-01-preview' existing = {
  name: eventGridTopicName
}

resource streamEventGrid 'Microsoft.EventGrid/topics/eventSubscriptions@2024-06-01-preview' = {
  parent: topic
  name: 'streamEventGrid'
  properties: {
    eventDeliverySchema: 'CloudEventSchemaV1_0'
    destination: {
      endpointType: 'AzureFunction'
      properties: {
        resourceId: '${functionAppId}/functions/streamEventGrid'
        maxEventsPerBatch: 1
      }
    }
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
    deadLetterDestination: {
      endpointType: 'StorageBlob'
      properties: {
        resourceId: storageAccountId
        blobContainerName: deadLetterContainerName
      }
    }
  }
}
