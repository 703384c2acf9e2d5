import Type, { type Static } from 'typebox';

// Names an HTML form gives its fields: letters, digits and the punctuation frameworks use
// (`job_title`, `lead.email`, `interests[]`), so that they read back the same from any encoding.
const FieldName = (description: string) =>
  Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.:\\-\\[\\]]+$', description });

const Url = (description: string) => Type.String({ minLength: 1, maxLength: 2000, description });

const FormFields = Type.Object(
  {
    email: Type.Optional(
      FieldName('The posted field holding the email address (required in every post). Default `email`.'),
    ),
    name: Type.Optional(FieldName('Default `name`.')),
    company: Type.Optional(FieldName('Default `company`.')),
    phone: Type.Optional(FieldName('Default `phone`.')),
    jobTitle: Type.Optional(FieldName('Default `job_title`.')),
  },
  {
    additionalProperties: false,
    description: 'Which posted field is which lead field; a field left out keeps its default name.',
  },
);

const AnswerMapping = Type.Object(
  {
    field: FieldName('The posted field holding the answer.'),
    values: Type.Optional(
      Type.Record(
        Type.String({ minLength: 1, maxLength: 200 }),
        Type.String({ minLength: 1, maxLength: 100 }),
        {
          maxProperties: 50,
          description:
            'How posted values read for the scoring model (`{"Over 50k": "yes", "No budget yet": "no"}`), compared trimmed and case-insensitively. Without it the posted value is the answer.',
        },
      ),
    ),
  },
  { additionalProperties: false },
);

const Qualification = Type.Object(
  {
    budget: Type.Optional(AnswerMapping),
    timeline: Type.Optional(AnswerMapping),
    need: Type.Optional(AnswerMapping),
  },
  {
    additionalProperties: false,
    description:
      'Answers stored as `answers.budget`, `answers.timeline`, `answers.need` of the form_submit event, where qualification rules read them (docs/scoring.md).',
  },
);

const settingsProperties = {
  errorUrl: Type.Optional(
    Type.Union(
      [
        Url('Where a refused post (no valid email) is sent, with `?error=invalid&field=<name>`.'),
        Type.Null(),
      ],
      {
        description: 'Null: Hearth answers a small page naming the field.',
      },
    ),
  ),
  fields: Type.Optional(FormFields),
  qualification: Type.Optional(Qualification),
  honeypotField: Type.Optional(
    FieldName('A field hidden from people; a post that fills it is dropped as spam. Default `hearth_hp`.'),
  ),
  minFillSeconds: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: 3600,
      description:
        'A post sent sooner after the page loaded is dropped as spam; 0 turns the check off. Default 3.',
    }),
  ),
  requireFillTime: Type.Optional(
    Type.Boolean({
      description:
        "Drop posts that carry no valid signed load time (from `GET /f/{formKey}/t`: the snippet's script did not run, or a bot posted directly). Default false: such posts fall back to the visitor's own timing (`hearth_ts`), or are accepted untimed without it.",
    }),
  ),
  allowedOrigins: Type.Optional(
    Type.Array(Type.String({ minLength: 1, maxLength: 300 }), {
      maxItems: 50,
      description:
        'Origins (`https://www.example.com`) the form may be posted from, checked against the Origin header (else the Referer); empty: any.',
    }),
  ),
  source: Type.Optional(
    Type.Union([Type.String({ minLength: 1, maxLength: 100 }), Type.Null()], {
      description: 'The source of leads the form creates. Default `website`.',
    }),
  ),
  active: Type.Optional(Type.Boolean({ description: 'False pauses the form: posts answer 404.' })),
};

/** `POST /api/v1/integrations/forms`. */
export const FormInput = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 200,
      description:
        'What the form is; also the `form` property of its events (the b2b model counts a name with contact, sales, quote or demo as a sales form).',
    }),
    redirectUrl: Url(
      'The thank-you page: where a visitor goes after posting (an absolute http or https URL).',
    ),
    ...settingsProperties,
  },
  { additionalProperties: false },
);
export type FormInput = Static<typeof FormInput>;

/** `PATCH /api/v1/integrations/forms/{id}`: each field given replaces the stored one. */
export const FormPatch = Type.Object(
  {
    name: Type.Optional(FormInput.properties.name),
    redirectUrl: Type.Optional(FormInput.properties.redirectUrl),
    ...settingsProperties,
    rotateKey: Type.Optional(
      Type.Boolean({
        description:
          'True gives the form a new key: pages with the old one stop working (their posts answer 404).',
      }),
    ),
  },
  { additionalProperties: false },
);
export type FormPatch = Static<typeof FormPatch>;
