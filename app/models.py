"""Imports every model module so the metadata is complete (Alembic, create_all)."""

from app.auth.models import SecretaryScope, Team, User, UserRole  # noqa: F401
from app.checkin.models import (  # noqa: F401
    Attendance,
    FollowUpMeasure,
    PlanEvent,
    SessionSpeaker,
    StudyPlan,
    StudyPlanItem,
    StudySession,
)
from app.common.audit import AuditLog  # noqa: F401
from app.courses.models import (  # noqa: F401
    Assignment,
    Attachment,
    Bookmark,
    Course,
    CourseCompletion,
    Lesson,
    LessonProgress,
    Note,
    Program,
)
from app.evaluation.models import (  # noqa: F401
    AssessorScope,
    Ballot,
    BallotParticipation,
    Dimension,
    Evaluation,
    EvaluationRound,
    Framework,
    Interview,
    LifeMeeting,
    MeetingItem,
    NegativeItem,
    NegativeMark,
    RectificationItem,
    RoundAssessor,
    SelfAssessment,
    Standard,
    StandardScore,
    Talk,
)
from app.notify.models import Notification  # noqa: F401
from app.quiz.bank.models import Category, ImportBatch, Question, QuestionBank  # noqa: F401
from app.quiz.exams.models import (  # noqa: F401
    Attempt,
    AttemptAnswer,
    AttemptEvent,
    AttemptItem,
    Exam,
    ExamAudience,
    ExamItem,
    ExamRule,
)
from app.quiz.practice.models import (  # noqa: F401
    DailyQuiz,
    MistakeEntry,
    PracticeAnswer,
    PracticeSession,
)
from app.stats.models import Bulletin, StatsSetting  # noqa: F401
