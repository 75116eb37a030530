"""JupyterHub for a room: the instructor and named learners, nbgrader's exchange, all on one machine.

Read by ``jupyterhub -f grader/workshop/hub/jupyterhub_config.py``; ``python -m grader hub`` prepares the
room, writes its settings and starts it. Settings come from the JSON file named by GRADER_HUB_SETTINGS; the
passwords from GRADER_HUB_PASSWORD (learners, shared) and GRADER_HUB_INSTRUCTOR_PASSWORD (the instructor, an
admin), which are removed from the environment here, so neither the proxy nor any user's server inherits them.

NO ISOLATION: every server runs as the hub's one OS user. A learner's kernel can read and write the
instructor's course folder (quiz sources with solutions, gradebook), the other learners' homes, this hub's
files and its process environment. grader/README.md and docs/workshop-hub.md say what isolates instead.
"""

import os
from typing import TYPE_CHECKING

from grader.workshop.hub import settings as hub_settings

if TYPE_CHECKING:
    from traitlets.config import Config

    def get_config() -> Config:
        """Injected into this file's globals by traitlets when JupyterHub loads it."""
        ...


c = get_config()

room = hub_settings.load(os.environ[hub_settings.ENV_SETTINGS])
learner_password = os.environ.pop(hub_settings.ENV_PASSWORD, "")
instructor_password = os.environ.pop(hub_settings.ENV_INSTRUCTOR_PASSWORD, "")

# --- network: the public proxy on room.ip; the hub's API and the proxy's API on loopback only
c.JupyterHub.bind_url = f"http://{room.ip}:{room.port}"
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{room.hub_port}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{room.proxy_api_port}"
c.ConfigurableHTTPProxy.command = [room.proxy_command]
c.ConfigurableHTTPProxy.pid_file = str(room.state_dir / "proxy.pid")
c.ConfigurableHTTPProxy.should_start = True
# stopping the hub stops the proxy and every user's server
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True

# --- the hub's own state, kept in the room
c.JupyterHub.db_url = f"sqlite:///{room.state_dir / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(room.state_dir / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(room.state_dir / "jupyterhub.pid")

# --- who logs in: learners share one password (any of them can log in as any learner); the instructor is
# an admin with a password of their own, which learners' password never opens
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = learner_password
c.SharedPasswordAuthenticator.admin_password = instructor_password
c.Authenticator.admin_users = {room.instructor}
c.Authenticator.allowed_users = set(room.users)

# --- each user's server: this Python, their home in the room, their role's nbgrader layer
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = str(room.room_dir / "home" / "{username}")
c.Spawner.cmd = [room.python, "-m", "jupyterhub.singleuser"]
c.Spawner.ip = "127.0.0.1"
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.args = ["--allow-root"] if os.geteuid() == 0 else []
# course settings the notebooks read; never API keys or the hub's passwords
c.Spawner.env_keep = [
    "PATH",
    "PYTHONPATH",
    "VIRTUAL_ENV",
    "LANG",
    "LC_ALL",
    "COURSE_CACHE_DIR",
    "COURSE_MODEL",
    "COURSE_THREADS",
    "COURSE_GPU_LAYERS",
    "COURSE_LLAMA_SERVER",
    "COURSE_QUICK",
    "HF_HUB_OFFLINE",
]


def pre_spawn_hook(spawner):
    """The role's JUPYTER_CONFIG_PATH: the room's nbgrader layer, then the repository's Lab switches."""
    role = "instructor" if spawner.user.name == room.instructor else "learner"
    spawner.environment["JUPYTER_CONFIG_PATH"] = os.pathsep.join(room.jupyter_config_path(role))
    spawner.environment["PATH"] = os.pathsep.join([os.path.dirname(room.python), os.environ.get("PATH", "")])
    # each user's lab results in their own home (one shared course install would mix everyone's labNN.json);
    # `python -m grader pool ROOM/home` then reads the room
    spawner.environment["COURSE_RESULTS_DIR"] = str(room.room_dir / "home" / spawner.user.name / "results")


c.Spawner.pre_spawn_hook = pre_spawn_hook
