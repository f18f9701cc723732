// Makes an Entra principal (the bot's App Service managed identity) the Microsoft Entra administrator
// of an Azure Database for PostgreSQL flexible server. A module, because the administrator's resource
// name is the principal's object id, known only once the identity exists (a parameter may carry a
// runtime value; a resource name in the calling template may not).
param serverName string
param principalId string
param principalName string
param principalType string = 'ServicePrincipal'
param tenantId string = subscription().tenantId

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2022-12-01' existing = {
  name: serverName
}

resource administrator 'Microsoft.DBforPostgreSQL/flexibleServers/administrators@2022-12-01' = {
  parent: server
  name: principalId
  properties: {
    principalType: principalType
    principalName: principalName
    tenantId: tenantId
  }
}
