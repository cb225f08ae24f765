"""One router per resource, each with its path below the version prefix the app mounts it on."""

# Mounted once, by the app factory; routes that print their own URLs (Location headers, links)
# prepend it to `router.prefix`.
API_PREFIX = "/api/v1"
