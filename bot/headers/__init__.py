"""Message header analysis: "why did this land in spam, or arrive late?". No Slack in here.

`report.analyse(text)` reads a pasted header block and returns a `HeaderReport`;
`detect.header_report` does so only after `looks_like_headers`, the cheap test the engine runs on
every explicit question. This file imports nothing, so that test costs the engine's start-up
nothing beyond its own module.
"""
