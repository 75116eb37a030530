"""JupyterHub for a room: the shipped config (jupyterhub_config.py), the room's folder and nbgrader layers
(room.py), configurable-http-proxy installed on demand (proxy.py), the launcher (launcher.py) and the
`python -m grader hub` command (command.py). Nothing is imported here: the CLI imports command.py."""
