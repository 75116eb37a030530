"""Open vs Frontier: the production decision — the library the course notebooks import.

Importing this package has no side effects: nothing is downloaded, built or loaded until a
function is called.
"""

__version__ = "0.1.0"
