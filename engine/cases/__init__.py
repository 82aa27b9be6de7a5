"""Cases: the runtime of one case, its stored state, task index, timers, audit chain, attachments, queries."""
