// Service Bus (queue, topic and subscription of the streamServiceBusQueue / streamServiceBusTopic
// functions) and the Event Grid topic whose events reach streamEventGrid. The Function App reads
// Service Bus with its managed identity (MAESTRO_SERVICEBUS__fullyQualifiedNamespace).
param namespaceName string
param eventGridTopicName string
param location string
param principalId string
param queueName string = 'maestro-stream'
param topicName string = 'maestro-stream'
param subscriptionName string = 'maestro'
param tags object = {}

resource namespace 'Microsoft.ServiceBus/namespaces@2022-10-01-preview' = {
  name: namespaceName
  location: location
  tags: tags
  sku: {
    name: 'Standard'
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
  }
}

resource queue 'Microsoft.ServiceBus/namespaces/queues@2022-10-01-preview' = {
  parent: namespace
  name: queueName
  properties: {
    maxDeliveryCount: 10
    deadLetteringOnMessageExpiration: true
    lockDuration: 'PT1M'
  }
}

resource topic 'Microsoft.ServiceBus/namespaces/topics@2022-10-01-preview' = {
  parent: namespace
  name: topicName
}

resource subscription 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2022-10-01-preview' = {
  parent: topic
  name: subscriptionName
  properties: {
    maxDeliveryCount: 10
    deadLetteringOnMessageExpiration: true
    lockDuration: 'PT1M'
  }
}

// Azure Service Bus Data Receiver on the namespace.
resource receiver 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(namespace.id, principalId, '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0')
  scope: namespace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0')
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource eventGridTopic 'Microsoft.EventGrid/topics@2024-06-01-preview' = {
  name: eventGridTopicName
  location: location
  tags: tags
  properties: {
    inputSchema: 'CloudEventSchemaV1_0'
    disableLocalAuth: true
  }
}

output serviceBusNamespace string = '${namespace.name}.servicebus.windows.net'
output queueName string = queue.name
output topicName string = topic.name
output subscriptionName string = subscription.name
output eventGridTopicName string = eventGridTopic.name
output eventGridTopicId string = eventGridTopic.id
