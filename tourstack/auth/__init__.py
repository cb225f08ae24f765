"""API credentials: issuing and verifying keys, the authenticated principal and its permissions.

No web framework here: the API turns a header into a key string and asks `verify_key` for a
`Principal`; the CLI calls `issue_key`.
"""

from tourstack.auth.keys import (
    KEY_PREFIX,
    KeyIssueError,
    hash_key,
    issue_key,
    parse_key,
    revoke_key,
    verify_key,
)
from tourstack.auth.principal import (
    ROLE_PERMISSIONS,
    ROLES,
    Permission,
    Principal,
    Role,
    has_permission,
)

__all__ = [
    "KEY_PREFIX", "KeyIssueError", "Permission", "Principal", "ROLES", "ROLE_PERMISSIONS",
    "Role", "has_permission", "hash_key", "issue_key", "parse_key", "revoke_key", "verify_key",
]
