"""backends/fast"""
