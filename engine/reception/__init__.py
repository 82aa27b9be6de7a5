"""Reception of citizens by leaders: the schedule of reception days, the sessions held and their figures."""
