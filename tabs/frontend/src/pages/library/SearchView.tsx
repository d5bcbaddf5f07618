// The search: a text box, filters by rubric, type, material type and date,
// and one page of results. The query lives in the hash
// ("#/?q=родители&rubric=parents&offset=20"), so going back from an entry
// returns to the same results and a search can be shared as a link.
import {
  Body1,
  Button,
  Caption1,
  Dropdown,
  Field,
  Input,
  Link,
  Option,
  SearchBox,
  Select,
} from "@fluentui/react-components";
import { SearchRegular } from "@fluentui/react-icons";
import { type FormEvent, useCallback, useEffect, useState } from "react";
import { type ApiProblem, useApi } from "../../api";
import { useFormat } from "../../format";
import { useT } from "../../i18n";
import { useRoute } from "../../route";
import { useSession } from "../../session";
import { EmptyState } from "../../ui/EmptyState";
import { FormField, problemFields } from "../../ui/FormField";
import { Loading } from "../../ui/Loading";
import { Paging } from "../../ui/Paging";
import { ProblemBanner } from "../../ui/ProblemBanner";
import { RubricTags, StatusBadge, rememberSearch, useKindLabel, useLibraryStyles } from "./common";
import { type EntryPage, type Filters, MATERIAL_TYPES } from "./types";

const PAGE_SIZE = 10;
// Characters of a summary shown in the result list.
const SUMMARY_PREVIEW = 280;

interface SearchState {
  q: string;
  rubric: string[];
  type: string;
  materialType: string[];
  from: string;
  to: string;
  sort: string;
  status: string;
  offset: number;
}

function readState(params: URLSearchParams): SearchState {
  return {
    q: params.get("q") ?? "",
    rubric: params.getAll("rubric"),
    type: params.get("type") ?? "",
    materialType: params.getAll("materialType"),
    from: params.get("from") ?? "",
    to: params.get("to") ?? "",
    sort: params.get("sort") ?? "",
    status: params.get("status") ?? "",
    offset: Math.max(0, Number(params.get("offset")) || 0),
  };
}

function writeState(state: SearchState): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(state)) {
    const values = Array.isArray(value) ? value : [String(value)];
    for (const item of values) {
      if (item && item !== "0") params.append(name, item);
    }
  }
  const encoded = params.toString();
  return encoded ? `/?${encoded}` : "/";
}

function preview(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  const chars = Array.from(flat);
  return chars.length <= SUMMARY_PREVIEW ? flat : `${chars.slice(0, SUMMARY_PREVIEW - 1).join("").trimEnd()}…`;
}

export function SearchView({ filters }: { filters: Filters | null }) {
  const t = useT();
  const api = useApi();
  const route = useRoute();
  const format = useFormat();
  const session = useSession();
  const styles = useLibraryStyles();
  const kindLabel = useKindLabel();
  const moderator = session.hasRole("moderator");
  const state = readState(route.params);
  const stateKey = route.params.toString();
  const [text, setText] = useState(state.q);
  const [data, setData] = useState<EntryPage | null>(null);
  const [problem, setProblem] = useState<ApiProblem | Error | null>(null);

  const onSearchPath = route.path === "/";
  useEffect(() => {
    // The hash also changes on the way to an entry, before this view unmounts.
    if (onSearchPath) rememberSearch(stateKey ? `/?${stateKey}` : "/");
  }, [onSearchPath, stateKey]);
  useEffect(() => setText(state.q), [state.q]);

  const apply = (changes: Partial<SearchState>) => {
    const next = { ...state, offset: 0, ...changes };
    route.navigate(writeState(next), { replace: true });
  };

  const load = useCallback(
    (signal?: AbortSignal) => {
      const current = readState(new URLSearchParams(stateKey));
      setProblem(null);
      api
        .get<EntryPage>("/library/entries", {
          query: {
            q: current.q,
            rubric: current.rubric,
            type: current.type,
            materialType: current.materialType,
            from: current.from,
            to: current.to,
            sort: current.sort,
            status: current.status,
            offset: current.offset,
            limit: PAGE_SIZE,
          },
          signal,
        })
        .then(setData)
        .catch((error: unknown) => {
          if (error instanceof DOMException && error.name === "AbortError") return;
          setProblem(error as Error);
          setData(null);
        });
    },
    [api, stateKey],
  );

  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal);
    return () => controller.abort();
  }, [load]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    apply({ q: text.trim() });
  };

  const rubricTitles = new Map((filters?.rubrics ?? []).map((rubric) => [rubric.key, rubric.title]));
  const materialTypeText = (keys: string[]) => keys.map((key) => t(`library.materialType.${key}`)).join(", ");

  return (
    <div className={styles.stack}>
      <form className={styles.stack} onSubmit={submit} role="search" aria-label={t("library.searchRegion")}>
          <div className={styles.toolbar} style={{ alignItems: "flex-end" }}>
            <Field label={t("library.searchLabel")} style={{ flexGrow: 1, minWidth: "min(100%, 16em)" }}>
              <SearchBox
                style={{ width: "100%", maxWidth: "100%", boxSizing: "border-box" }}
                value={text}
                onChange={(_, data) => setText(data.value)}
                placeholder={t("library.searchPlaceholder")}
                maxLength={filters?.queryLimit ?? 200}
              />
            </Field>
            <Button type="submit" appearance="primary" icon={<SearchRegular />}>
              {t("library.search")}
            </Button>
          </div>
          <div className={styles.filters}>
            <FormField name="rubrics" label={t("library.filter.rubric")} problem={problem} style={{ minWidth: "min(100%, 16em)" }}>
              <Dropdown
                multiselect
                selectedOptions={state.rubric}
                value={state.rubric.map((key) => rubricTitles.get(key) ?? key).join(", ")}
                placeholder={t("library.filter.anyRubric")}
                onOptionSelect={(_, data) => apply({ rubric: data.selectedOptions })}
              >
                {(filters?.rubrics ?? []).map((rubric) => (
                  <Option key={rubric.key} value={rubric.key}>
                    {rubric.title}
                  </Option>
                ))}
              </Dropdown>
            </FormField>
            <FormField name="type" label={t("library.filter.type")} problem={problem}>
              <Select value={state.type} onChange={(_, data) => apply({ type: data.value, materialType: data.value === "solved_case" ? [] : state.materialType })}>
                <option value="">{t("library.filter.anyType")}</option>
                <option value="solved_case">{t("library.kind.solved_cases")}</option>
                <option value="material">{t("library.kind.materials")}</option>
              </Select>
            </FormField>
            {state.type !== "solved_case" ? (
              <FormField name="materialType" label={t("library.filter.materialType")} problem={problem} style={{ minWidth: "min(100%, 12em)" }}>
                <Dropdown
                  multiselect
                  selectedOptions={state.materialType}
                  value={materialTypeText(state.materialType)}
                  placeholder={t("library.filter.anyMaterialType")}
                  onOptionSelect={(_, data) => apply({ materialType: data.selectedOptions })}
                >
                  {MATERIAL_TYPES.map((key) => (
                    <Option key={key} value={key}>
                      {t(`library.materialType.${key}`)}
                    </Option>
                  ))}
                </Dropdown>
              </FormField>
            ) : null}
            <FormField name="from" label={t("library.filter.from")} problem={problem}>
              <Input type="date" value={state.from} onChange={(_, data) => apply({ from: data.value })} />
            </FormField>
            <FormField name="to" label={t("library.filter.to")} problem={problem}>
              <Input type="date" value={state.to} onChange={(_, data) => apply({ to: data.value })} />
            </FormField>
            <FormField name="sort" label={t("library.filter.sort")} problem={problem}>
              <Select value={state.sort} onChange={(_, data) => apply({ sort: data.value })}>
                <option value="">{t("library.sort.auto")}</option>
                <option value="relevance">{t("library.sort.relevance")}</option>
                <option value="newest">{t("library.sort.newest")}</option>
                <option value="oldest">{t("library.sort.oldest")}</option>
              </Select>
            </FormField>
            {moderator ? (
              <FormField name="status" label={t("library.filter.status")} problem={problem}>
                <Select value={state.status} onChange={(_, data) => apply({ status: data.value })}>
                  <option value="">{t("library.status.published")}</option>
                  <option value="unpublished">{t("library.status.unpublished")}</option>
                  <option value="draft">{t("library.status.draft")}</option>
                  <option value="any">{t("library.status.any")}</option>
                </Select>
              </FormField>
            ) : null}
          </div>
          <div className={styles.toolbar}>
            <Button
              appearance="subtle"
              onClick={() => {
                setText("");
                route.navigate("/", { replace: true });
              }}
            >
              {t("library.clearFilters")}
            </Button>
          </div>
      </form>

      {problem ? (
        <ProblemBanner problem={problem} fieldsShownInline={problemFields(problem)} onRetry={() => load()} />
      ) : null}
      {!data && !problem ? <Loading label={t("library.searching")} /> : null}
      {data ? (
        <section className={styles.stack} aria-labelledby="library-results-heading">
          <h2 id="library-results-heading" className={styles.heading}>
            {t("library.results")}
          </h2>
          <Caption1 aria-live="polite">
            {t("library.found", { count: data.total })}
            {data.total > 0 ? ` · ${t(`library.sortedBy.${data.sort}`)}` : ""}
          </Caption1>
          {data.items.length === 0 ? (
            <EmptyState title={t("library.nothingFound")}>{t("library.nothingFoundHint")}</EmptyState>
          ) : (
            <ul className={styles.list}>
              {data.items.map((item) => (
                <li key={item.id} className={styles.card}>
                  <h3 className={styles.cardTitle} lang={item.language}>
                    <Link href={`#/entries/${item.id}`}>{item.title}</Link>
                  </h3>
                  <Caption1 className={styles.meta}>
                    <span>{kindLabel(item)}</span>
                    {item.publishedAt ? (
                      <span>
                        {t("library.publishedOn")}{" "}
                        <time dateTime={item.publishedAt}>{format.date(item.publishedAt)}</time>
                      </span>
                    ) : null}
                    <span>{t(`library.language.${item.language}`)}</span>
                    <StatusBadge status={item.status} />
                  </Caption1>
                  {item.summary ? (
                    <Body1 className={styles.text} lang={item.language}>
                      {preview(item.summary)}
                    </Body1>
                  ) : null}
                  <RubricTags rubrics={item.rubrics} label={t("library.rubricsOf", { title: item.title })} />
                </li>
              ))}
            </ul>
          )}
          <Paging
            offset={state.offset}
            limit={PAGE_SIZE}
            total={data.total}
            onChange={(offset) => route.navigate(writeState({ ...state, offset }))}
          />
        </section>
      ) : null}
    </div>
  );
}
