"""Every deadline of DOMAIN.md C: `table` holds the rules and opens/meets/closes rows; `tick` is the
watcher's pass that marks breaches and escalates, exactly once."""
