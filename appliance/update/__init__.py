"""Field updates (issue 16): the pure decision logic of signed A/B updates.

Nothing here touches a disk, a network or a clock: ``slots`` models what the boot firmware does
with the boot partition's slot choice, ``machine`` the update's life cycle as it is persisted on
the data partition, ``policy`` the rules (roll-out, sessions, quiet time, health), and ``plan``
turns facts into the one next action the sync daemon or the boot-time service carries out.
"""
