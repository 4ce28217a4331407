"""The programme's views, by who uses them: the board, each invited person, organisation admins, feeds."""
