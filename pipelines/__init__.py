"""ecoscore: ecological-protection responsibility scheme scoring (生态环境保护目标责任书考核)."""
