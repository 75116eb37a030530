"""A workshop room: the offline kit, pooled results and the JupyterHub."""
