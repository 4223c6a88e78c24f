// Grants a tenant's managed identity "Cognitive Services OpenAI User" on one Azure OpenAI account, which may live in
// another resource group or subscription (this module is deployed at that account's resource group).

@description('The Azure OpenAI (Cognitive Services) account name.')
param accountName string

@description('The principal (object) id of the tenant\'s managed identity.')
param principalId string

@description('The managed identity\'s resource id (keeps the role assignment name stable across deployments).')
param identityResourceId string

var cognitiveServicesOpenAiUser = '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd'

resource account 'Microsoft.CognitiveServices/accounts@2025-06-01' existing = {
  name: accountName
}

resource openAiUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, identityResourceId, cognitiveServicesOpenAiUser)
  scope: account
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', cognitiveServicesOpenAiUser)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
