// Two tenants in one deployment: contoso with an extra app setting, fabrikam with a lower scale-out limit, its own
// Azure OpenAI account and its own OpenAI key (contoso uses the shared one). Each tenant gets its own master key,
// derived from GATEWAY_MASTER_KEY_SEED (keep it: the same seed gives the same keys on every deployment). Deploy with
//   az deployment sub create --location eastus2 --template-file infra/bicep/main.bicep \
//     --parameters infra/bicep/examples/two-tenants.bicepparam
// after exporting GATEWAY_MASTER_KEY_SEED (for example `openssl rand -hex 32`), OPENAI_API_KEY and FABRIKAM_OPENAI_API_KEY
// (read from the environment, never written here).
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
    providerKeyNames: [
      'OPENAI_API_KEY'
    ]
  }
]

param masterKeySeed = readEnvironmentVariable('GATEWAY_MASTER_KEY_SEED')

param providerKeyNames = [
  'OPENAI_API_KEY'
]

param providerKeys = {
  OPENAI_API_KEY: readEnvironmentVariable('OPENAI_API_KEY')
}

param tenantProviderKeys = {
  fabrikam: {
    OPENAI_API_KEY: readEnvironmentVariable('FABRIKAM_OPENAI_API_KEY')
  }
}
