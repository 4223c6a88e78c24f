// Two tenants in one deployment: contoso with an extra app setting, fabrikam with a lower scale-out limit and its own
// Azure OpenAI account. Deploy with
//   az deployment sub create --location eastus2 --template-file infra/bicep/main.bicep \
//     --parameters infra/bicep/examples/two-tenants.bicepparam
// after exporting GATEWAY_MASTER_KEY and OPENAI_API_KEY (both are read from the environment, never written here).
using '../main.bicep'

param environmentName = 'gateway-example'

param location = 'eastus2'

param tenants = [
  {
    name: 'contoso'
    settings: {
      GATEWAY_KEY_CACHE_SECONDS: '2'
    }
  }
  {
    name: 'fabrikam'
    maximumInstanceCount: 40
    azureOpenAiAccountId: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ai/providers/Microsoft.CognitiveServices/accounts/fabrikam-openai'
  }
]

param masterKey = readEnvironmentVariable('GATEWAY_MASTER_KEY')

param providerKeyNames = [
  'OPENAI_API_KEY'
]

param providerKeys = {
  OPENAI_API_KEY: readEnvironmentVariable('OPENAI_API_KEY')
}
