// Form fields that show the server's message for their field next to them.
import { Field, type FieldProps } from "@fluentui/react-components";
import { ApiProblem } from "../api";

/**
 * A Fluent Field whose validation message comes from `problem.errors` for
 * `name` (the field name the API uses). Put the input inside as usual.
 */
export function FormField({ name, problem, ...props }: FieldProps & { name: string; problem?: unknown }) {
  const message = problem instanceof ApiProblem ? problem.fieldMessage(name) : undefined;
  return (
    <Field
      {...props}
      validationState={message ? "error" : props.validationState}
      validationMessage={message ?? props.validationMessage}
    />
  );
}

/** Field names of a 422 problem, to pass to ProblemBanner's `fieldsShownInline`. */
export function problemFields(problem: unknown): string[] {
  return problem instanceof ApiProblem ? problem.errors.map((error) => error.field) : [];
}
