import sys

from ppo_graph.cli import main

sys.exit(main())
