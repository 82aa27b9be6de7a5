"""Phản Ánh domain core: BPMN deployment, case runtime, timers, calendar, audit and storage. No HTTP here."""
