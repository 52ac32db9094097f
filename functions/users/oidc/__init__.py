"""Sign-in with OpenID Connect providers (Google, Cognito, Auth0, Keycloak, Entra ID, ...).

`config` reads which providers are configured, `provider` discovers each one's metadata and keys
and verifies its ID tokens, `accounts` finds or makes the account an identity signs into, and
`flows` runs the ID-token exchange and the authorization code flow that the router serves.
"""
