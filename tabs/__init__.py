"""Personal tabs inside Teams: my cases, the library, mentors, calendar, forum, news, statistics.

``tabs.routes.setup_tabs`` mounts everything on the app: the JSON API under
``/api/v1`` (one ``ApiRoutes`` table per area in ``tabs.api``), the pages
that load the front end built from ``tabs/frontend``, and the public mentor
profiles. Handlers call the same workflow operations as the bot.
"""
