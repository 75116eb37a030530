"""Backends: where a chat model runs, and the one interface timing code sees (:mod:`.base`).

Each backend declares two capabilities, ``supports_logprobs`` and ``supports_json_schema``, and
implements them when asked in ``GenerationOptions`` (``logprobs=True``, ``json_schema=``).

- :mod:`.inprocess`: :class:`~.inprocess.InProcessBackend`, llama.cpp inside this Python process (no HTTP).
- :mod:`.loopback`: ``llama_cpp_server()`` and ``llama_server()`` start a server on this machine's
  loopback interface (127.0.0.1) and yield a :class:`~.loopback.LoopbackServer`; its ``backend()``
  is an :class:`~.api.ApiBackend` with the served model's tokenizer.
- :mod:`.api`: :class:`~.api.ApiBackend`, any OpenAI-compatible HTTP API, remote or on loopback
  (``is_loopback`` says which); :mod:`.api_errors` reads its failures.
- :mod:`.fallback`: ``try_real_api()``, a real API when it answers, else a message and the stand-in.
- :mod:`.offload` (GPU layers, decided in one place), :mod:`.tokens` (counting), :mod:`.urls`.
"""
