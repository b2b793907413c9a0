"""Pages for signed-in staff: the leaders' review desk, the owners' actions, accounts."""
