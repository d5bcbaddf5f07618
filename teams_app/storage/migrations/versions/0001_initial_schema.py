"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-12-04 15:46:25.649761
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('case_number_counters',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_case_number_counters'))
    )
    op.create_table('processed_activities',
    sa.Column('key', sa.String(length=600), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_processed_activities'))
    )
    op.create_table('rubrics',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title_ru', sa.String(length=255), nullable=False),
    sa.Column('title_en', sa.String(length=255), nullable=False),
    sa.Column('description_ru', sa.Text(), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_rubrics'))
    )
    op.create_table('suggested_questions',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('group_key', sa.String(length=64), nullable=False),
    sa.Column('group_title_ru', sa.String(length=255), nullable=False),
    sa.Column('group_title_en', sa.String(length=255), nullable=False),
    sa.Column('kind', sa.Enum('clarifying', 'developing', name='questionkind', native_enum=False, length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text_ru', sa.Text(), nullable=False),
    sa.Column('text_en', sa.Text(), nullable=False),
    sa.Column('rubrics', sa.JSON(), nullable=False),
    sa.Column('keywords', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_suggested_questions'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.String(length=64), nullable=False),
    sa.Column('aad_object_id', sa.String(length=64), nullable=True),
    sa.Column('teams_user_id', sa.String(length=255), nullable=True),
    sa.Column('display_name', sa.String(length=255), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('locale', sa.String(length=16), nullable=False),
    sa.Column('preferred_language', sa.String(length=8), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('teams_user_id', name=op.f('uq_users_teams_user_id')),
    sa.UniqueConstraint('tenant_id', 'aad_object_id', name='tenant_aad')
    )
    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=16), nullable=False),
    sa.Column('teacher_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('new', 'choosing_mentor', 'awaiting_mentor', 'awaiting_moderator', 'in_progress', 'awaiting_answers', 'awaiting_decision', 'solution_offered', 'completed', 'answered_by_library', 'withdrawn', name='casestatus', native_enum=False, length=32), nullable=False),
    sa.Column('privacy', sa.Enum('personal', 'anonymous', name='privacy', native_enum=False, length=32), nullable=False),
    sa.Column('urgency', sa.Enum('urgent', 'need_advice', 'expert_opinion', name='urgency', native_enum=False, length=32), nullable=False),
    sa.Column('group_consent', sa.Boolean(), nullable=False),
    sa.Column('publish_consent', sa.Boolean(), nullable=False),
    sa.Column('locale', sa.String(length=16), nullable=False),
    sa.Column('current_revision', sa.Integer(), nullable=False),
    sa.Column('opinion', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('current_revision BETWEEN 1 AND 3', name=op.f('ck_cases_revision_range')),
    sa.ForeignKeyConstraint(['teacher_id'], ['users.id'], name=op.f('fk_cases_teacher_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('number', name=op.f('uq_cases_number'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_teacher_status', ['teacher_id', 'status'], unique=False)

    op.create_table('conversation_refs',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.String(length=512), nullable=False),
    sa.Column('service_url', sa.String(length=512), nullable=False),
    sa.Column('reference', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_conversation_refs_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_conversation_refs'))
    )
    op.create_table('mentor_profiles',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('last_name', sa.String(length=255), nullable=False),
    sa.Column('first_name', sa.String(length=255), nullable=False),
    sa.Column('patronymic', sa.String(length=255), nullable=False),
    sa.Column('position', sa.String(length=255), nullable=False),
    sa.Column('workplace', sa.Text(), nullable=False),
    sa.Column('interests', sa.Text(), nullable=False),
    sa.Column('links', sa.JSON(), nullable=False),
    sa.Column('motto', sa.Text(), nullable=False),
    sa.Column('max_open_cases', sa.Integer(), nullable=False),
    sa.Column('away_until', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mentor_profiles_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_mentor_profiles'))
    )
    op.create_table('user_roles',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('teacher', 'mentor', 'moderator', 'admin', name='role', native_enum=False, length=32), nullable=False),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_roles_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'role', name=op.f('pk_user_roles'))
    )
    op.create_table('assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=False),
    sa.Column('opinion', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('offered', 'accepted', 'declined', 'closed', name='assignmentstatus', native_enum=False, length=32), nullable=False),
    sa.Column('assigned_by_moderator_id', sa.Integer(), nullable=True),
    sa.Column('decline_reason', sa.Text(), nullable=True),
    sa.Column('offered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('responded_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['assigned_by_moderator_id'], ['users.id'], name=op.f('fk_assignments_assigned_by_moderator_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_assignments_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mentor_id'], ['users.id'], name=op.f('fk_assignments_mentor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignments'))
    )
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignments_mentor_id'), ['mentor_id'], unique=False)
        batch_op.create_index('uq_assignments_one_holder', ['case_id'], unique=True, sqlite_where=sa.text("status IN ('offered', 'accepted')"), postgresql_where=sa.text("status IN ('offered', 'accepted')"))

    op.create_table('case_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_case_events_actor_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_events_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_events'))
    )
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_events_case_id'), ['case_id'], unique=False)

    op.create_table('case_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('essence', sa.Text(), nullable=False),
    sa.Column('actions_taken', sa.Text(), nullable=False),
    sa.Column('why_difficult', sa.Text(), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('participants', sa.JSON(), nullable=False),
    sa.Column('rubrics', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('number BETWEEN 1 AND 3', name=op.f('ck_case_revisions_number_range')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_revisions_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_revisions')),
    sa.UniqueConstraint('case_id', 'number', name='case_number')
    )
    op.create_table('library_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seed_key', sa.String(length=64), nullable=True),
    sa.Column('kind', sa.Enum('solved_case', 'material', name='libraryentrykind', native_enum=False, length=32), nullable=False),
    sa.Column('material_type', sa.Enum('article', 'book', 'link', 'video', name='materialtype', native_enum=False, length=32), nullable=True),
    sa.Column('status', sa.Enum('draft', 'published', 'unpublished', name='libraryentrystatus', native_enum=False, length=32), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('rubrics', sa.JSON(), nullable=False),
    sa.Column('source_case_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_library_entries_approved_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_library_entries_created_by_id_users')),
    sa.ForeignKeyConstraint(['source_case_id'], ['cases.id'], name=op.f('fk_library_entries_source_case_id_cases'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_library_entries')),
    sa.UniqueConstraint('seed_key', name=op.f('uq_library_entries_seed_key')),
    sa.UniqueConstraint('source_case_id', name=op.f('uq_library_entries_source_case_id'))
    )
    with op.batch_alter_table('library_entries', schema=None) as batch_op:
        batch_op.create_index('ix_library_entries_status_kind', ['status', 'kind'], unique=False)

    op.create_table('mentor_areas',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('rubric_key', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['rubric_key'], ['rubrics.key'], name=op.f('fk_mentor_areas_rubric_key_rubrics')),
    sa.ForeignKeyConstraint(['user_id'], ['mentor_profiles.user_id'], name=op.f('fk_mentor_areas_user_id_mentor_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'rubric_key', name=op.f('pk_mentor_areas'))
    )
    op.create_table('reflections',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('will_do', sa.Text(), nullable=False),
    sa.Column('what_changed', sa.Text(), nullable=False),
    sa.Column('usefulness', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('usefulness BETWEEN 1 AND 5', name=op.f('ck_reflections_usefulness_range')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_reflections_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_reflections'))
    )
    op.create_table('case_library_hits',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_library_hits_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entry_id'], ['library_entries.id'], name=op.f('fk_case_library_hits_entry_id_library_entries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', 'entry_id', name=op.f('pk_case_library_hits'))
    )
    op.create_table('library_entry_rubrics',
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('rubric_key', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['library_entries.id'], name=op.f('fk_library_entry_rubrics_entry_id_library_entries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('entry_id', 'rubric_key', name=op.f('pk_library_entry_rubrics'))
    )
    op.create_table('question_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('asked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=16), nullable=True),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_question_rounds_assignment_id_assignments')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_question_rounds_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_rounds'))
    )
    with op.batch_alter_table('question_rounds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_rounds_case_id'), ['case_id'], unique=False)

    op.create_table('solutions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('material_ids', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_solutions_assignment_id_assignments')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_solutions_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mentor_id'], ['users.id'], name=op.f('fk_solutions_mentor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_solutions'))
    )
    with op.batch_alter_table('solutions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_solutions_case_id'), ['case_id'], unique=False)

    op.create_table('card_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('entry_id', sa.Integer(), nullable=True),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('intake', 'library_answer', 'candidates', 'mentor_offer', 'moderator_assign', 'mentor_case', 'questions', 'redefine_choice', 'solution', 'moderation', name='cardkind', native_enum=False, length=32), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=True),
    sa.Column('question_round_id', sa.Integer(), nullable=True),
    sa.Column('conversation_id', sa.String(length=512), nullable=False),
    sa.Column('activity_id', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_card_messages_assignment_id_assignments')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_card_messages_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entry_id'], ['library_entries.id'], name=op.f('fk_card_messages_entry_id_library_entries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_round_id'], ['question_rounds.id'], name=op.f('fk_card_messages_question_round_id_question_rounds')),
    sa.ForeignKeyConstraint(['recipient_id'], ['users.id'], name=op.f('fk_card_messages_recipient_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_card_messages'))
    )
    with op.batch_alter_table('card_messages', schema=None) as batch_op:
        batch_op.create_index('ix_card_messages_case', ['case_id'], unique=False)

    op.create_table('case_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('suggested_key', sa.String(length=64), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['round_id'], ['question_rounds.id'], name=op.f('fk_case_questions_round_id_question_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_questions'))
    )

    _create_search_index()


def _create_search_index() -> None:
    """Create the engine's own full-text index of the library (see storage/search.py)."""
    if op.get_bind().dialect.name == "sqlite":
        # Content is pre-stemmed text; unicode61 only splits and lower-cases it.
        op.execute(
            "CREATE VIRTUAL TABLE library_fts USING fts5(content, tokenize = 'unicode61')"
        )
        return
    op.create_table(
        "library_search",
        sa.Column(
            "entry_id",
            sa.Integer(),
            sa.ForeignKey("library_entries.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("document", postgresql.TSVECTOR(), nullable=False),
    )
    op.create_index(
        "ix_library_search_document", "library_search", ["document"], postgresql_using="gin"
    )

def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS library_fts")
    else:
        op.drop_table("library_search")
    op.drop_table('case_questions')
    with op.batch_alter_table('card_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_card_messages_case')

    op.drop_table('card_messages')
    with op.batch_alter_table('solutions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_solutions_case_id'))

    op.drop_table('solutions')
    with op.batch_alter_table('question_rounds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_rounds_case_id'))

    op.drop_table('question_rounds')
    op.drop_table('library_entry_rubrics')
    op.drop_table('case_library_hits')
    op.drop_table('reflections')
    op.drop_table('mentor_areas')
    with op.batch_alter_table('library_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_library_entries_status_kind')

    op.drop_table('library_entries')
    op.drop_table('case_revisions')
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_events_case_id'))

    op.drop_table('case_events')
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_index('uq_assignments_one_holder', sqlite_where=sa.text("status IN ('offered', 'accepted')"), postgresql_where=sa.text("status IN ('offered', 'accepted')"))
        batch_op.drop_index(batch_op.f('ix_assignments_mentor_id'))

    op.drop_table('assignments')
    op.drop_table('user_roles')
    op.drop_table('mentor_profiles')
    op.drop_table('conversation_refs')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_teacher_status')

    op.drop_table('cases')
    op.drop_table('users')
    op.drop_table('suggested_questions')
    op.drop_table('rubrics')
    op.drop_table('processed_activities')
    op.drop_table('case_number_counters')
