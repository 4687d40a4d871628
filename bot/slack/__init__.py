"""The Slack app: a thin layer over the engine.

A request comes in over HTTP (http_server.py) or Socket Mode (socket_mode.py) and reaches Bolt
(app.py builds it). Its listener, in kinds/ (one module per kind of request, next to that kind's
handler), turns it into a Job (job.py) and acknowledges; the runtime (runtime.py) journals the job
and runs its handler on a worker lane (lanes.py) with a kinds.Context. Handlers explain the text,
render it (answer_blocks.py on block_kit.py; help_blocks.py and header_blocks.py for the rest) and
send it (delivery.py: response_url and chat.postMessage, retried; outbox.py paces posts per channel;
flood.py counts repeats in alert channels; live_checks.py adds DNS checks). serve.py is
`smtpbot serve`.
"""
