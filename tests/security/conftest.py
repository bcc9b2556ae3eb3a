"""The security suite reuses the portal's fixtures: a real git work tree and a real uvicorn on loopback."""

from ..web.conftest import RESTRICTED, Server, header_auth, serve, site  # noqa: F401
