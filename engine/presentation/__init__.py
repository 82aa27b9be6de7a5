"""What a person reads: stored codes and data turned into labelled, human values (see ``values`` and ``labels``)."""
