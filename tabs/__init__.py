"""Personal tabs inside Teams: the library, calendar, mentor profiles, forum and statistics.

NOTE: no tab is served yet; the app factory mounts only the bot and the
health check. Pages will call the same workflow operations as the bot.
"""
