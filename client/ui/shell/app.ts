/**
 * The page: wires the tabs, the engine worker, the chat, the conversation list, the Models,
 * Adapters and Lab panels, the live stats, the offline service worker and the error banner.
 * The side models (best-of-n's learned verifier, Self-RAG's reader, the CoVe model), when the
 * loaded model's folder has them, each run in an engine session of their own made by the same
 * `makeSession` (chat/side_models.ts); the status line shows their loads.
 *
 * @module
 */
import type { Engine, EngineInfo } from "../../engine/api.ts";
import type { SideRole } from "../../../shared/pipeline.ts";
import { DexieModelCache } from "../../engine/loader/dexie_cache.ts";
import type { LoadProgress } from "../../engine/loader/progress.ts";
import { AdapterStore } from "../../adapters/store/adapter_store.ts";
import { AdaptersPanel } from "../adapters/adapters_panel.ts";
import { ChatController, type LastAnswer } from "../chat/chat_controller.ts";
import { createPipelineBridge } from "../chat/pipeline_bridge.ts";
import type { SideEngine } from "../chat/side_engine.ts";
import { createSideModels } from "../chat/side_models.ts";
import { ConversationDb } from "../conversations/conversation_db.ts";
import { ConversationList } from "../conversations/conversation_list.ts";
import { modelsElements, ModelsPanel } from "../models/models_panel.ts";
import { mountLabLazily } from "./lab_tab.ts";
import { StatsView } from "../stats/stats_view.ts";
import { type OfflineState, registerServiceWorker } from "../sw/sw_register.ts";
import { type EngineSession, type LoadRequest } from "./engine_session.ts";
import { ErrorBanner } from "./error_banner.ts";
import { explainFailure, type FailureContext } from "./failures.ts";
import { recover, watchOnline } from "./recovery.ts";
import { initialLoadRequest, MODEL_CHOICE_KEY, saveLoadRequest } from "./load_settings.ts";
import { setupTabs } from "./tabs.ts";

/**
 * What the page exposes as `globalThis.verityPage` (tests and debugging); `verifier`, `reader`
 * and `cove` are the side models' engines (loaded on first use).
 */
export interface PageState extends Readonly<Record<SideRole, SideEngine>> {
  /** Every progress event of the current load, in order. */
  progress: LoadProgress[];
  /** Settles when the current load is done (with its info) or failed. */
  ready: Promise<EngineInfo>;
  engine?: Engine;
  info?: EngineInfo;
  error?: { name: string; message: string };
  /** The last answer's raw text and how it ended. */
  readonly lastAnswer: LastAnswer | undefined;
  /** Offline support (service worker) status. */
  offline: Promise<OfflineState>;
  /** The chat, conversation store and panels (for tests and tools). */
  readonly chat: ChatController;
  readonly conversations: ConversationDb;
  readonly models: ModelsPanel;
  readonly adapters: AdaptersPanel;
  /** Load another model (as the Models panel does). */
  load(request: LoadRequest): Promise<EngineInfo>;
}

function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`Cannot start the page as element '#${id}' is missing`);
  return el as T;
}

/** A URL of this origin as its path, others in full. */
const shortUrl = (url: string) =>
  url.startsWith(`${location.origin}/`) ? url.slice(location.origin.length) : url;

const asError = (err: unknown) => (err instanceof Error ? err : new Error(String(err)));

/** Start the page. */
export function startApp(
  makeSession: (onCrash: (err: Error) => void) => EngineSession,
): PageState {
  const session = makeSession((err) => {
    fail(err, "load");
    chat.refreshControls();
  });
  const status = byId<HTMLElement>("status");
  const banner = new ErrorBanner(byId("errors"), (a) =>
    void recover(a, {
      request: () => request,
      load: (r) => void state.load(r).catch(() => {}),
      selectTab: (id) => byId(id).click(),
      pipeline: () => chat.conversation?.settings.pipeline ?? null,
      setPipeline: async (p) => {
        await chat.setPipeline(p);
        toggles?.set(p);
      },
      clearAdapter: () => chat.setAdapter(null),
      retrySend: () => void chat.retry(),
    }));
  const fail = (err: Error, context: FailureContext) => {
    if (context === "load") {
      // The status line tells the model's state; answer failures only show in the banner.
      status.textContent = `${err.name}: ${err.message}`;
      status.dataset.error = err.name;
    }
    banner.show(explainFailure(err, context));
  };
  const modelCache = new DexieModelCache();
  const db = new ConversationDb();
  const stats = new StatsView(byId("stats"), byId("tps-chart"));
  let request = initialLoadRequest(new URL(location.href), localStorage.getItem(MODEL_CHOICE_KEY));
  let toggles: { set(v: unknown): void } | undefined;
  // The side models: learned verifier, Self-RAG's reader, CoVe's model (chat/side_models.ts).
  const side = createSideModels({
    chatModel: () => session.current?.request,
    makeSession: (onCrash) => makeSession(onCrash),
    status,
  });
  const bridge = createPipelineBridge(
    location.origin,
    () => session.current?.info.draft !== undefined,
    () => session.current?.info,
    side.bridgeDeps,
  );

  const list: ConversationList = new ConversationList(
    db,
    byId("conversation-list"),
    byId<HTMLInputElement>("conversation-search"),
    {
      onSelect: (id) => void chat.open(id).then(() => list.setActive(id), showError),
      onDelete: (id) => void deleteConversation(id),
    },
  );
  const chat = new ChatController({
    messages: byId("messages"),
    form: byId<HTMLFormElement>("chat"),
    prompt: byId<HTMLTextAreaElement>("prompt"),
    send: byId<HTMLButtonElement>("generate"),
    stop: byId<HTMLButtonElement>("stop"),
    title: byId("conversation-title"),
    maxTokens: byId<HTMLInputElement>("max-tokens"),
    temperature: byId<HTMLInputElement>("temperature"),
    adapter: byId<HTMLSelectElement>("adapter-select"),
  }, {
    db,
    stats,
    engine: () => {
      const c = session.current;
      return c === undefined ? undefined : { engine: c.engine, ep: c.info.ep };
    },
    onConversationsChanged: () => {
      void list.refresh().then(() => list.setActive(chat.conversation?.id));
      void refreshPool();
    },
    onError: (e) => fail(e, "chat"),
    onSend: () => {
      if (banner.shown !== undefined && banner.shown !== "model-load") banner.clear();
    },
    onOpen: (c) => {
      toggles?.set(c.settings.pipeline);
      if (c.settings.adapter !== null && !adaptersListed) void listAdapters();
    },
    pipelines: bridge,
  });
  function showError(err: unknown) {
    fail(asError(err), "chat");
  }

  async function deleteConversation(id: string) {
    await db.delete(id);
    const rest = await list.refresh();
    if (chat.conversation?.id === id) {
      const next = rest[0];
      if (next !== undefined) await chat.open(next.id);
      else await chat.create();
    }
    list.setActive(chat.conversation?.id);
  }

  const models = new ModelsPanel(
    modelsElements(byId),
    modelCache,
    request,
    (r) => {
      saveLoadRequest(localStorage, r);
      void state.load(r).catch(() => {});
    },
  );

  const adapterSelect = byId<HTMLSelectElement>("adapter-select");
  let adapterStore: Promise<AdapterStore> | undefined;
  let adaptersListed = false;
  const listAdapters = () => {
    adaptersListed = true;
    return adapters.refresh();
  };
  const adapters = new AdaptersPanel(byId("adapters-root"), {
    store: () => (adapterStore ??= AdapterStore.open()),
    onChanged: (items) => {
      const keep = chat.conversation?.settings.adapter ?? "";
      adapterSelect.replaceChildren(
        new Option("Base model", ""),
        ...items.map((a) => new Option(`${a.name} (rank ${a.r})`, a.id)),
      );
      adapterSelect.value = items.some((a) => a.id === keep) ? keep : "";
    },
    onError: (e) => fail(e, "chat"),
  });

  async function refreshPool() {
    const m = await adapters.refreshPool(session.current?.engine);
    if (m !== undefined && m.slots > 0) {
      const { resident, hits, misses, evictions } = m;
      stats.update({ adapters: { resident: resident.length, hits, misses, evictions } });
    }
  }

  let labMounted = false;
  let modelsShown = false;
  setupTabs(
    byId("panel-chat").ownerDocument.querySelector("[role=tablist]") as HTMLElement,
    (id) => {
      if (id === "tab-lab" && !labMounted) {
        labMounted = true;
        void mountLabLazily(byId("panel-lab")).catch(showError);
      }
      if (id === "tab-models") {
        if (!modelsShown) void models.show();
        else void models.refreshCached();
        modelsShown = true;
      }
      if (id === "tab-adapters") {
        if (!adaptersListed) {
          void listAdapters();
          void adapters.showBundled();
        }
        void refreshPool();
      }
    },
  );
  byId("new-conversation").addEventListener("click", () => void chat.create());
  byId("rename-conversation").addEventListener("click", () => {
    const title = prompt("Rename conversation", chat.conversation?.title ?? "");
    if (title !== null && title.trim() !== "") void chat.rename(title);
  });

  watchOnline(byId("offline-badge"));

  // Occupancy of the engine's batch while an answer runs.
  setInterval(() => {
    const c = session.current;
    if (c === undefined || !chat.busy) return;
    c.engine.stats().then((s) => {
      stats.update({ occupancy: { active: s.active, maxBatch: c.info.maxBatch } });
    }, () => {});
  }, 500);

  const mountToggles = () => {
    const root = byId("pipeline-toggles");
    root.replaceChildren();
    toggles = bridge.mountToggles(
      root,
      chat.conversation?.settings.pipeline ?? null,
      (s) => void chat.setPipeline(s),
    );
  };

  const state: PageState = {
    progress: [],
    ready: new Promise<EngineInfo>(() => {}), // replaced by the first load below
    get lastAnswer() {
      return chat.lastAnswer;
    },
    offline: Promise.resolve({ kind: "installing" }),
    chat,
    conversations: db,
    models,
    adapters,
    ...side.engines,
    load(r: LoadRequest) {
      request = r;
      chat.stop();
      side.follow(r.modelUrl); // another folder: its side models (if any) are other models
      state.progress = [];
      delete state.engine;
      delete state.info;
      delete state.error;
      delete status.dataset.error;
      banner.clear();
      models.startLoad(r);
      chat.refreshControls();
      status.textContent = `Loading ${shortUrl(r.modelUrl)}…`;
      const badge = byId("ep-badge");
      badge.textContent = "";
      state.ready = session.load(r, (p) => {
        state.progress.push(p);
        models.onProgress(p);
      }).then(({ engine, info }) => {
        state.engine = engine;
        state.info = info;
        status.textContent = `Loaded ${shortUrl(info.model)}${
          info.draft ? ` with draft ${shortUrl(info.draft)}` : ""
        }`;
        badge.textContent = info.ep === "webgpu" ? "WebGPU" : "wasm";
        badge.dataset.ep = info.ep;
        badge.title = `Execution provider: ${info.ep} (${info.epReason})`;
        models.showLoaded(info);
        mountToggles();
        chat.refreshControls();
        void refreshPool();
        return info;
      }, (err: unknown) => {
        const e = asError(err);
        state.error = { name: e.name, message: e.message };
        fail(e, "load");
        throw e;
      });
      return state.ready;
    },
  };

  mountToggles();
  void (async () => {
    const items = await list.refresh();
    const first = items[0];
    if (first !== undefined) await chat.open(first.id);
    list.setActive(chat.conversation?.id);
  })().catch(showError);
  for (const event of ["focus", "pointerdown"]) {
    adapterSelect.addEventListener(event, () => void (adaptersListed || listAdapters()));
  }
  state.load(request).catch(() => {}); // surfaced in the status line and the banner
  state.offline = registerServiceWorker();
  return state;
}
