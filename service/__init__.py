"""HTTP and CLI edges of fairdun: app factory, blueprints, schemas, auth, errors, OpenAPI, CLI."""
