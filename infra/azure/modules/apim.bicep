// API Management in front of the api function: the operations of ApiRouter.routes() (the OpenAPI
// document functions-core/src/main/resources/openapi/maestro-api.json lists the same), each
// authenticated one behind validate-jwt for Entra ID (issuer, audience, and the tenant claim
// required). InfraConsistencyTest compares `operations` with ApiRouter.routes().
param name string
param location string
param publisherEmail string
param publisherName string
param functionAppHostName string
param entraTenantId string
param apiAudience string
param tenantClaim string = 'maestro_tenant'
param skuName string = 'Consumption'
param tags object = {}

var operations = [
  {
    name: 'create-continuation'
    method: 'POST'
    urlTemplate: '/continuations'
    authenticated: true
  }
  {
    name: 'get-continuation'
    method: 'GET'
    urlTemplate: '/continuations/{id}'
    authenticated: true
  }
  {
    name: 'kill-continuation'
    method: 'DELETE'
    urlTemplate: '/continuations/{id}'
    authenticated: true
  }
  {
    name: 'list-events'
    method: 'GET'
    urlTemplate: '/continuations/{id}/events'
    authenticated: true
  }
  {
    name: 'signal-continuation'
    method: 'POST'
    urlTemplate: '/continuations/{id}/signals'
    authenticated: true
  }
  {
    name: 'fork-continuation'
    method: 'POST'
    urlTemplate: '/continuations/{id}/fork'
    authenticated: true
  }
  {
    name: 'merge-continuations'
    method: 'POST'
    urlTemplate: '/continuations/merge'
    authenticated: true
  }
  {
    name: 'get-lineage'
    method: 'GET'
    urlTemplate: '/continuations/{id}/lineage'
    authenticated: true
  }
  {
    name: 'decide'
    method: 'POST'
    urlTemplate: '/decide'
    authenticated: true
  }
  {
    name: 'get-field'
    method: 'GET'
    urlTemplate: '/fields/{id}'
    authenticated: true
  }
  {
    name: 'openapi'
    method: 'GET'
    urlTemplate: '/openapi.json'
    authenticated: false
  }
  {
    name: 'health'
    method: 'GET'
    urlTemplate: '/health'
    authenticated: false
  }
]

var issuer = '${environment().authentication.loginEndpoint}${entraTenantId}/v2.0'

var jwtPolicy = '''
<policies>
  <inbound>
    <base />
    <validate-jwt header-name="Authorization" require-scheme="Bearer" failed-validation-httpcode="401" failed-validation-error-message="a valid bearer token is required">
      <openid-config url="{{maestro-openid-config}}" />
      <audiences>
        <audience>{{maestro-audience}}</audience>
      </audiences>
      <issuers>
        <issuer>{{maestro-issuer}}</issuer>
      </issuers>
      <required-claims>
        <claim name="{{maestro-tenant-claim}}" />
      </required-claims>
    </validate-jwt>
  </inbound>
  <backend>
    <base />
  </backend>
  <outbound>
    <base />
  </outbound>
  <on-error>
    <base />
  </on-error>
</policies>
'''

resource service 'Microsoft.ApiManagement/service@2023-09-01-preview' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
    capacity: skuName == 'Consumption' ? 0 : 1
  }
  properties: {
    publisherEmail: publisherEmail
    publisherName: publisherName
  }
}

resource openIdConfig 'Microsoft.ApiManagement/service/namedValues@2023-09-01-preview' = {
  parent: service
  name: 'maestro-openid-config'
  properties: {
    displayName: 'maestro-openid-config'
    value: '${issuer}/.well-known/openid-configuration'
  }
}

resource audience 'Microsoft.ApiManagement/service/namedValues@2023-09-01-preview' = {
  parent: service
  name: 'maestro-audience'
  properties: {
    displayName: 'maestro-audience'
    value: apiAudience
  }
}

resource issuerValue 'Microsoft.ApiManagement/service/namedValues@2023-09-01-preview' = {
  parent: service
  name: 'maestro-issuer'
  properties: {
    displayName: 'maestro-issuer'
    value: issuer
  }
}

resource tenantClaimValue 'Microsoft.ApiManagement/service/namedValues@2023-09-01-preview' = {
  parent: service
  name: 'maestro-tenant-claim'
  properties: {
    displayName: 'maestro-tenant-claim'
    value: tenantClaim
  }
}

resource api 'Microsoft.ApiManagement/service/apis@2023-09-01-preview' = {
  parent: service
  name: 'maestro'
  properties: {
    displayName: 'Maestro'
    path: ''
    protocols: [
      'https'
    ]
    serviceUrl: 'https://${functionAppHostName}'
    subscriptionRequired: false
  }
}

resource operation 'Microsoft.ApiManagement/service/apis/operations@2023-09-01-preview' = [for op in operations: {
  parent: api
  name: op.name
  properties: {
    displayName: op.name
    method: op.method
    urlTemplate: op.urlTemplate
    templateParameters: contains(op.urlTemplate, '{id}') ? [
      {
        name: 'id'
        type: 'string'
        required: true
      }
    ] : []
  }
}]

resource operationPolicy 'Microsoft.ApiManagement/service/apis/operations/policies@2023-09-01-preview' = [for (op, i) in operations: if (op.authenticated) {
  parent: operation[i]
  name: 'policy'
  properties: {
    format: 'rawxml'
    value: jwtPolicy
  }
  dependsOn: [
    openIdConfig
    audience
    issuerValue
    tenantClaimValue
  ]
}]

output gatewayUrl string = service.properties.gatewayUrl
