// A complete Maestro deployment on Azure (resource-group scope): identity, storage, Cosmos DB,
// messaging, Key Vault, monitoring, the Functions app, API Management and the ranker on Container
// Apps. Not deployed by the project's tests and not compiled here (no Bicep compiler is
// reachable): InfraConsistencyTest reads it structurally and checks it against the code.
targetScope = 'resourceGroup'

@description('Short name used in every resource name (lowercase letters and digits).')
@maxLength(12)
param name string = 'maestro'

param location string = resourceGroup().location

@description('Entra ID tenant that issues the API tokens.')
param entraTenantId string = subscription().tenantId

@description('Application ID URI or client id of the API app registration (the token audience).')
param apiAudience string

@description('Token claim naming the Maestro tenant (an app role or optional claim).')
param tenantClaim string = 'maestro_tenant'

@description('Prefix of the Cosmos DB container names (MAESTRO_CONTAINER_PREFIX).')
param containerPrefix string = ''

param publisherEmail string
param publisherName string = 'Maestro'

@description('Existing Azure AI Foundry / Azure OpenAI account the app calls; empty: none.')
param foundryAccountName string = ''

@description('Endpoint of that account (MAESTRO_FOUNDRY_ENDPOINT); empty: none.')
param foundryEndpoint string = ''

@description('Tag of the ranker image (maestro-ranker) in the registry; empty: no ranker app yet.')
param rankerImageTag string = ''

@description('OTLP/HTTP endpoint of a collector; empty: no export.')
param otelExporterOtlpEndpoint string = ''

param tags object = {
  application: 'maestro'
}

var suffix = uniqueString(resourceGroup().id, name)

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: '${name}-id'
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: take('${name}st${suffix}', 24)
    location: location
    principalId: identity.outputs.principalId
    tags: tags
  }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  params: {
    accountName: '${name}-cosmos-${suffix}'
    location: location
    containerPrefix: containerPrefix
    principalId: identity.outputs.principalId
    tags: tags
  }
}

module messaging 'modules/messaging.bicep' = {
  name: 'messaging'
  params: {
    namespaceName: '${name}-sb-${suffix}'
    eventGridTopicName: '${name}-streams-${suffix}'
    location: location
    principalId: identity.outputs.principalId
    tags: tags
  }
}

module secrets 'modules/secrets.bicep' = {
  name: 'secrets'
  params: {
    name: take('${name}-kv-${suffix}', 24)
    location: location
    principalId: identity.outputs.principalId
    cosmosAccountName: cosmos.outputs.accountName
    storageAccountName: storage.outputs.name
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    name: name
    location: location
    principalId: identity.outputs.principalId
    tags: tags
  }
}

module functionApp 'modules/functionApp.bicep' = {
  name: 'functionApp'
  params: {
    name: '${name}-func-${suffix}'
    location: location
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    cosmosEndpoint: cosmos.outputs.endpoint
    cosmosDatabaseName: cosmos.outputs.databaseName
    containerPrefix: containerPrefix
    cdcLeasesContainerName: cosmos.outputs.cdcLeasesContainerName
    cosmosKeyReference: secrets.outputs.cosmosKeyReference
    storageConnectionReference: secrets.outputs.storageConnectionReference
    serviceBusNamespace: messaging.outputs.serviceBusNamespace
    streamQueueName: messaging.outputs.queueName
    streamTopicName: messaging.outputs.topicName
    streamSubscriptionName: messaging.outputs.subscriptionName
    deadLetterQueueName: storage.outputs.deadLetterQueueName
    factsContainerName: storage.outputs.factsContainerName
    appInsightsConnectionString: monitoring.outputs.connectionString
    entraTenantId: entraTenantId
    apiAudience: apiAudience
    tenantClaim: tenantClaim
    otelExporterOtlpEndpoint: otelExporterOtlpEndpoint
    foundryEndpoint: foundryEndpoint
    tags: tags
  }
}

module eventGridSubscription 'modules/eventGridSubscription.bicep' = {
  name: 'eventGridSubscription'
  params: {
    eventGridTopicName: messaging.outputs.eventGridTopicName
    functionAppId: functionApp.outputs.id
    storageAccountId: storage.outputs.id
  }
}

module apim 'modules/apim.bicep' = {
  name: 'apim'
  params: {
    name: '${name}-apim-${suffix}'
    location: location
    publisherEmail: publisherEmail
    publisherName: publisherName
    functionAppHostName: functionApp.outputs.defaultHostName
    entraTenantId: entraTenantId
    apiAudience: apiAudience
    tenantClaim: tenantClaim
    tags: tags
  }
}

module ranker 'modules/rankerAca.bicep' = if (!empty(rankerImageTag)) {
  name: 'ranker'
  params: {
    name: '${name}-ranker'
    location: location
    identityId: identity.outputs.id
    principalId: identity.outputs.principalId
    workspaceId: monitoring.outputs.workspaceId
    registryName: take('${name}acr${suffix}', 50)
    imageTag: rankerImageTag
    tags: tags
  }
}

resource foundry 'Microsoft.CognitiveServices/accounts@2024-10-01' existing = if (!empty(foundryAccountName)) {
  name: foundryAccountName
}

// Cognitive Services OpenAI User on the Foundry account: chat completions with Entra ID tokens.
resource foundryUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(foundryAccountName)) {
  name: guid(resourceGroup().id, foundryAccountName, '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd')
  scope: foundry
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd')
    principalId: identity.outputs.principalId
    principalType: 'ServicePrincipal'
  }
}

output apiGatewayUrl string = apim.outputs.gatewayUrl
output functionAppName string = functionApp.outputs.name
output cosmosEndpoint string = cosmos.outputs.endpoint
output identityClientId string = identity.outputs.clientId
