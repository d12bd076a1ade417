"use strict";(self.rspackChunknbvc_history=self.rspackChunknbvc_history||[]).push([[585],{5289(e,o,r){var t=r(1601),i=r.n(t),d=r(6314),n=(r.n(d))()(i());n.push([e.id,`.nbdime-root .cm-merge-pane {
  background-color: var(--jp-cell-editor-background);
}

.nbdime-root .jp-Mergeview-root {
  border: var(--codemirror-border);
}

.nbdime-root .cm-merge-1pane {
  display: grid;
  /* editor */
  grid-template-columns: 100%;
  grid-auto-rows: minmax(18px, auto);
}

.nbdime-root .cm-merge-2pane {
  display: grid;
  /* editor | gap | editor */
  grid-template-columns: 47% 6% 47%;
  grid-auto-rows: minmax(18px, auto);
}

.nbdime-root .cm-merge-2pane > div:first-child {
  grid-column: 1;
}

.nbdime-root .cm-merge-2pane > div:last-child {
  grid-column: 3;
}

.nbdime-root .cm-merge-3pane,
.nbdime-root .cm-merge-4pane {
  display: grid;
  grid-template-columns: repeat(3, 1fr);
  grid-auto-rows: minmax(18px, auto);
  gap: var(--jp-border-width);
  background-color: var(--jp-cell-editor-border-color);
}

.nbdime-root .cm-merge-left-editor {
  grid-column: 1;
  grid-row: 1;
}

.nbdime-root .cm-central-editor {
  grid-column: 2;
  grid-row: 1;
}

.nbdime-root .cm-merge-right-editor {
  grid-column: 3;
  grid-row: 1;
}

.nbdime-root .cm-merge-4pane > .cm-merge-editor {
  grid-column: 1/4;
  grid-row: 2;
}

.nbdime-root .cm-merge-spacer {
  background-image: repeating-linear-gradient(
    45deg,
    transparent,
    transparent 5px,
    rgba(255, 255, 255, 0.5) 5px,
    rgba(255, 255, 255, 0.5) 10px
  );
}

.nbdime-root .cm-merge-gap {
  grid-column: 2;
  display: flex;
  flex-direction: column;
  align-items: center;
  justify-content: end;
  z-index: 2;
  height: 100%;
  box-sizing: border-box;
  overflow: hidden;
  border-left: var(--codemirror-border);
  border-right: var(--codemirror-border);
  color: var(--jp-ui-font-color2);
  background: var(--jp-layout-color2);
  user-select: none;
}

.nbdime-root .cm-merge-scrolllock {
  cursor: pointer;
  line-height: 1;
}

.nbdime-root .cm-merge-pane > .cm-editor {
  display: inline-block;
  white-space: normal;
  vertical-align: top;
  width: 100%;
  background-color: transparent;
}

.nbdime-root .cm-merge-pane-rightmost {
  position: absolute;
  right: 0px;
  z-index: 1;
}

.nbdime-root .cm-merge-pane-unchanged {
  width: 100%;
}

.nbdime-root .cm-merge-r-deleted,
.cm-l-deleted,
.cm-merge-m-deleted {
  background-color: var(--jp-diff-deleted-color2);
}

.nbdime-root .cm-gutter {
  cursor: default;
}
`,""]),r.d(o,{},{A:n})},7955(e,o,r){var t=r(1601),i=r.n(t),d=r(6314),n=(r.n(d))()(i());n.push([e.id,`.jp-Notebook-diff .jp-Diff-unchanged .jp-Output *:first-child {
  margin-left: auto;
}

.jp-Notebook-diff .jp-Diff-unchanged .jp-Output *:last-child {
  margin-right: auto;
}

/* Alternative for showing single cell when cells are equal */
.jp-Notebook-diff .jp-Diff-unchanged {
  margin-left: 10%;
  width: 80%;
}

.jp-Notebook-diff .jp-Diff-unchanged .jp-Diff-unchanged {
  margin-left: 0;
  width: 100%;
}

/* Match input border of unchanged cell source */
.jp-Notebook-diff .jp-Diff-unchanged .cm-merge-pane-unchanged {
  border: var(--codemirror-border);
}

/* Do not use border between unchanged cells */
.jp-Notebook-diff .jp-Diff-unchanged + .jp-Diff-unchanged > div:first-of-type {
  border: none;
}

/* When unchanged hide cell ids and float the execution count left */
.jp-Notebook-diff .jp-Diff-unchanged .jp-Cellrow-header-cellId {
  display: none;
}

.jp-Notebook-diff .jp-Diff-unchanged .jp-Cellrow-header {
  float: left;
}

.jp-Notebook-diff .jp-Cellrow-header-cellId {
  align-self: center;
  text-align: center;
  color: var(--jp-ui-font-color2);
}

.jp-Notebook-diff .jp-Metadata-diff {
  margin-bottom: 20px;
  border: solid black thin;
}

.jp-Notebook-diff .jp-Cell-diff {
  margin-bottom: 20px;
}

/* Border on top of cell */
.jp-Notebook-diff .jp-Cell-diff > div:first-of-type {
  border-top: solid #ccc 1px;
}

.jp-Notebook-diff .jp-Diff-added .jp-Cellrow-source,
.jp-Notebook-diff .jp-Diff-added .jp-Cellrow-outputs {
  border-left: var(--codemirror-border);
}

.jp-Notebook-diff .jp-Diff-deleted .jp-Cellrow-source,
.jp-Notebook-diff .jp-Diff-deleted .jp-Cellrow-outputs {
  border-right: var(--codemirror-border);
}

/* Add/delete chunks for small width devices (added before delete) */
.jp-Notebook-diff .jp-Diff-addremchunk {
  display: flex;
  flex-direction: column-reverse;
  justify-content: space-between;
}

.jp-Notebook-diff .jp-Diff-addremchunk .jp-Diff-addedchunk,
.jp-Notebook-diff .jp-Diff-addremchunk .jp-Diff-removedchunk {
  width: 100%;
}

/* Add/delete chunks should show side-by-side for larger screens */
@media (min-width: 1000px) {
  .jp-Notebook-diff .jp-Diff-addremchunk {
    flex-direction: row-reverse;
  }

  .jp-Notebook-diff .jp-Diff-addremchunk .jp-Diff-addedchunk,
  .jp-Notebook-diff .jp-Diff-addremchunk .jp-Diff-removedchunk {
    width: 47%;
  }
}

/* Hide metadata changes by default */
.jp-Notebook-diff .jp-Diff-added .jp-Cellrow-metadata,
.jp-Notebook-diff .jp-Diff-deleted .jp-Cellrow-metadata,
.jp-Notebook-diff .jp-Diff-unchanged .jp-Cellrow-outputs {
  display: none;
}

.jp-Notebook-diff .jp-Diff-added .jp-Cellrow-outputs,
.jp-Notebook-diff .jp-Diff-deleted .jp-Cellrow-outputs {
  border-top: var(--jp-nbdime-output-color1) solid 1pt;
}

.jp-Notebook-diff .jp-Diff-added .jp-Diff-unchanged {
  margin-left: 25%;
  width: 75%;
}

.jp-Notebook-diff .jp-Diff-deleted .jp-Diff-unchanged {
  margin-left: 0;
  width: 75%;
}

.jp-Notebook-diff .jp-Diff-unchanged .jp-Output-result > * {
  display: block;
  margin-left: auto;
  margin-right: auto;
}

.jp-Notebook-diff .jp-Cellrow-outputs .jp-Diff-twoway .jp-Diff-base {
  float: left;
  width: 47%;
}

.jp-Notebook-diff .jp-Cellrow-outputs .jp-Diff-twoway .jp-Diff-remote {
  float: right;
  width: 47%;
}

.jp-Notebook-diff .jp-Output-result img {
  max-width: 100%;
}

.jp-Notebook-diff .cm-merge-right-editor {
  position: relative;
  left: 6%;
}

.jp-Notebook-diff .jp-Cellrow-source .cm-merge-pane-deleted,
.jp-Notebook-diff .jp-Cellrow-source .cm-merge-pane-added {
  width: 75%;
}

.jp-Notebook-diff
  .jp-Diff-twoway
  .jp-Cellrow-outputs
  .jp-Diff-unchanged
  .jp-CodeMirrorWidget {
  width: initial;
  max-width: 100%;
}

/* Ensure unchanged images are centered */
.jp-Notebook-diff
  .jp-Diff-twoway
  .jp-Cellrow-outputs
  .jp-Diff-unchanged
  .jp-RenderedImage {
  text-align: center;
}

.jp-Notebook-diff .cm-line {
  /* enable positioning pseudo-elements relative to line */
  position: relative;
}

/* Color diff highlighting according to style vars */
.jp-Notebook-diff .cm-merge-r-chunk {
  background-color: var(--jp-diff-deleted-color2);
}

/* border-top/bottom without taking up space */
.jp-Notebook-diff .cm-merge-r-chunk-start::before,
.jp-Notebook-diff .cm-merge-r-chunk-end::after {
  content: '';
  width: 100%;
  height: 1px;
  background: var(--jp-diff-deleted-color0);
  display: block;
  position: absolute;
  left: 0px;
}

.jp-Notebook-diff .cm-merge-r-connect {
  fill: var(--jp-diff-deleted-color2);
  stroke: var(--jp-diff-deleted-color0);
  stroke-width: 1px;
}

.jp-Notebook-diff .cm-merge-spacer {
  background-color: var(--jp-diff-deleted-color2);
}

.jp-Notebook-diff .cm-line .cm-merge-r-inserted {
  background-color: var(--jp-diff-added-color0);
}

.jp-Notebook-diff .cm-diff-right-editor .cm-merge-r-chunk {
  background-color: var(--jp-diff-added-color2);
}

/* border-top/bottom without taking up space */
.jp-Notebook-diff .cm-diff-right-editor .cm-merge-r-chunk-start::before,
.jp-Notebook-diff .cm-diff-right-editor .cm-merge-r-chunk-end::after {
  content: '';
  width: 100%;
  height: 1px;
  background: var(--jp-diff-added-color0);
  display: block;
  position: absolute;
  left: 0px;
}

.jp-Notebook-diff .cm-diff-right-editor .cm-merge-r-connect {
  fill: var(--jp-diff-added-color2);
  stroke: var(--jp-diff-added-color0);
  stroke-width: 1px;
}

.jp-Notebook-diff .cm-diff-right-editor .cm-merge-spacer {
  background-color: var(--jp-diff-added-color2);
}

/* Unset outer border from common */
.jp-Notebook-diff .jp-Mergeview-root.cm-merge-1pane {
  border: unset;
}

.jp-Notebook-diff .cm-merge-pane-deleted,
.jp-Notebook-diff .jp-Diff-deleted .jp-Diff-renderedOutput,
.jp-Cellrow-outputs .jp-Diff-twoway .jp-Diff-base {
  background-color: var(--jp-diff-deleted-color2);
  border: solid 1px var(--jp-diff-deleted-color0);
}

.jp-Notebook-diff .cm-merge-pane-added,
.jp-Notebook-diff .jp-Diff-added .jp-Diff-renderedOutput,
.jp-Cellrow-outputs .jp-Diff-twoway .jp-Diff-remote {
  background-color: var(--jp-diff-added-color2);
  border: solid 1px var(--jp-diff-added-color0);
}

.jp-Notebook-diff .jp-Diff-added .cm-merge-pane-added,
.jp-Notebook-diff .jp-Diff-deleted .cm-merge-pane-deleted {
  width: 100%;
}

.jp-Notebook-diff .jp-Cellrow-header > .jp-InputPrompt {
  text-align: left;
  flex-basis: min-content;
}

.jp-CollapsiblePanel-container {
  background-color: var(--jp-layout-color1);
  color: var(--jp-ui-font-color1);
}

/*
Output mimetype selection:
*/

.jp-Notebook-diff .jp-Diff-outputPanel .jp-Diff-outputMenu {
  display: none;
  position: absolute;
  top: 0;
  left: 50%;
  transform: translate(-50%, 0);
  background-color: var(--jp-layout-color1);
  color: var(--jp-ui-font-color1);
  padding: 3px 5px;
  border: var(--jp-border-width) solid var(--jp-cell-editor-border-color);
  z-index: 10;
}

.jp-Notebook-diff .jp-Diff-outputPanel:hover .jp-Diff-outputMenu {
  display: initial;
}

.jp-Notebook-diff .jp-Diff-trustOutputButton {
  display: none;
}

.jp-Notebook-diff .jp-Diff-trustCandidate .jp-Diff-trustOutputButton {
  display: initial;
}

.jp-Notebook-diff
  .jp-Diff-outputPanel:not(.jp-Diff-trustCandidate)
  .jp-diff-base64Output
  + .jp-Diff-outputMenu {
  display: none;
}

.jp-Notebook-diff
  .jp-Diff-outputPanel
  .jp-Diff-outputMenu
  > :not(:first-child) {
  margin-left: 5px;
}

.jp-Diff-outputsContainer > .lm-Widget:not(:last-child) {
  padding-bottom: 6px;
  min-height: 2em;
  border-bottom: var(--jp-border-width) solid var(--jp-nbdime-output-color2);
}

.jp-Notebook-diff .jp-Diff-renderedOutput {
  /* Ensure output is always large enough to show menu */
  min-height: 2em;
}
`,""]),r.d(o,{},{A:n})},727(e,o,r){var t=r(1601),i=r.n(t),d=r(6314),n=(r.n(d))()(i());n.push([e.id,`:root {
  --codemirror-border: var(--jp-border-width) solid
    var(--jp-cell-editor-border-color);

  --jp-nbdime-output-color1: rgba(0, 141, 255, 0.7);
  --jp-nbdime-output-color2: rgba(0, 141, 255, 0.5);
  --jp-nbdime-output-color3: rgba(0, 141, 255, 0.3);

  --jp-diff-added-color0: rgba(0, 200, 20, 0.6);
  --jp-diff-added-color1: rgba(0, 200, 20, 0.3);
  --jp-diff-added-color2: rgba(0, 200, 20, 0.3);

  --jp-diff-deleted-color0: rgba(240, 20, 0, 0.55);
  --jp-diff-deleted-color1: rgba(255, 20, 0, 0.3);
  --jp-diff-deleted-color2: rgba(255, 20, 0, 0.3);

  --jp-merge-local-color1: #cbcbf8;
  --jp-merge-local-color2: #ececff;
  --jp-merge-local-color3: #e6e6ff;

  --jp-merge-remote-color1: #beb;
  --jp-merge-remote-color2: #dfd;
  --jp-merge-remote-color3: #d8f9d8;

  --jp-merge-both-color1: #f88888;
  --jp-merge-both-color2: #ffdddd;

  --jp-merge-either-color1: #aee;
  --jp-merge-either-color2: #cff4f4;
}
`,""]),r.d(o,{},{A:n})},8475(e,o,r){var t=r(1601),i=r.n(t),d=r(6314),n=(r.n(d))()(i());n.push([e.id,`.nbvc-HistoryPanel {
  display: flex;
  flex-direction: column;
  overflow: auto;
  background: var(--jp-layout-color1);
  color: var(--jp-ui-font-color1);
  font-size: var(--jp-ui-font-size1);
  min-width: 260px;
}
.nbvc-HistoryPanel-header {
  font-weight: 600;
  padding: 8px;
  border-bottom: var(--jp-border-width) solid var(--jp-border-color2);
}
.nbvc-HistoryPanel-toolbar {
  display: flex;
  flex-wrap: wrap;
  gap: 4px;
  padding: 6px 8px;
}
.nbvc-HistoryPanel-action {
  font-size: var(--jp-ui-font-size0);
  padding: 2px 6px;
}
.nbvc-HistoryPanel-error {
  padding: 0 8px;
  color: var(--jp-ui-font-color2);
}
.nbvc-HistoryPanel-list {
  list-style: none;
  margin: 0;
  padding: 0;
}
.nbvc-HistoryPanel-row {
  display: flex;
  align-items: flex-start;
  gap: 6px;
  padding: 4px 8px;
  cursor: pointer;
  border-bottom: var(--jp-border-width) solid var(--jp-border-color3);
}
.nbvc-HistoryPanel-row:hover {
  background: var(--jp-layout-color2);
}
.nbvc-HistoryPanel-row.jp-mod-selected {
  background: var(--jp-brand-color3);
}
.nbvc-HistoryPanel-fields {
  display: flex;
  flex-wrap: wrap;
  column-gap: 8px;
}
.nbvc-HistoryPanel-short {
  font-family: var(--jp-code-font-family);
  font-weight: 600;
}
.nbvc-HistoryPanel-fields .nbvc-HistoryPanel-message {
  flex-basis: 100%;
}
.nbvc-HistoryPanel-names {
  font-weight: 600;
  color: var(--jp-brand-color1);
}
.nbvc-HistoryPanel-names:empty {
  display: none;
}
.nbvc-HistoryPanel-state {
  border-radius: 3px;
  padding: 0 4px;
  font-size: var(--jp-ui-font-size0);
}
.nbvc-state-pending {
  background: var(--jp-warn-color3);
}
.nbvc-state-conflict {
  background: var(--jp-error-color2);
  color: white;
}
.nbvc-state-pushed {
  background: var(--jp-success-color3);
}
.nbvc-state-published {
  background: var(--jp-brand-color2);
  color: white;
}
.nbvc-HistoryPanel-more {
  margin: 6px 8px;
}
.nbvc-SyncStatus {
  cursor: pointer;
  padding: 0 6px;
  line-height: 24px;
}
.nbvc-SyncStatus[data-state='failing'],
.nbvc-SyncStatus[data-state='conflict'] {
  color: var(--jp-error-color1);
  font-weight: 600;
}
.nbvc-MainArea .jp-MainAreaWidget-content,
.nbvc-VersionView,
.nbvc-DiffView {
  overflow: auto;
}
.nbvc-VersionView,
.nbvc-DiffView {
  padding: 8px;
  background: var(--jp-layout-color0);
}
.nbvc-VersionView-header,
.nbvc-DiffView-header {
  display: flex;
  gap: 16px;
  font-weight: 600;
  padding-bottom: 8px;
}
.nbvc-VersionView-cell {
  margin-bottom: 8px;
}
.nbvc-VersionView-source {
  background: var(--jp-cell-editor-background);
  border: var(--jp-border-width) solid var(--jp-cell-editor-border-color);
  padding: 4px 8px;
  margin: 0;
  font-family: var(--jp-code-font-family);
  white-space: pre-wrap;
}
.nbvc-VersionView-stream,
.nbvc-VersionView-error {
  margin: 2px 0;
  padding: 2px 8px;
  white-space: pre-wrap;
}
.nbvc-VersionView-error {
  background: var(--jp-rendermime-error-background);
}
.nbvc-mod-hideOutputs .jp-Cellrow-outputs {
  display: none;
}
.nbvc-mod-hideUnchanged .jp-Cell-diff.jp-Diff-unchanged {
  display: none;
}
.jp-Dialog-content:has(.nbvc-DialogView) {
  width: 90vw;
  max-width: 90vw;
  height: 85vh;
  max-height: 85vh;
}
.jp-Dialog-body > .nbvc-DialogView {
  overflow: auto;
}
`,""]),r.d(o,{},{A:n})},6314(e){e.exports=function(e){var o=[];return o.toString=function(){return this.map(function(o){var r="",t=void 0!==o[5];return o[4]&&(r+="@supports (".concat(o[4],") {")),o[2]&&(r+="@media ".concat(o[2]," {")),t&&(r+="@layer".concat(o[5].length>0?" ".concat(o[5]):""," {")),r+=e(o),t&&(r+="}"),o[2]&&(r+="}"),o[4]&&(r+="}"),r}).join("")},o.i=function(e,r,t,i,d){"string"==typeof e&&(e=[[null,e,void 0]]);var n={};if(t)for(var a=0;a<this.length;a++){var p=this[a][0];null!=p&&(n[p]=!0)}for(var f=0;f<e.length;f++){var l=[].concat(e[f]);t&&n[l[0]]||(void 0!==d&&(void 0===l[5]||(l[1]="@layer".concat(l[5].length>0?" ".concat(l[5]):""," {").concat(l[1],"}")),l[5]=d),r&&(l[2]&&(l[1]="@media ".concat(l[2]," {").concat(l[1],"}")),l[2]=r),i&&(l[4]?(l[1]="@supports (".concat(l[4],") {").concat(l[1],"}"),l[4]=i):l[4]="".concat(i)),o.push(l))}},o}},1601(e){e.exports=function(e){return e[1]}},5072(e){var o=[];function r(e){for(var r=-1,t=0;t<o.length;t++)if(o[t].identifier===e){r=t;break}return r}function t(e,t){for(var i={},d=[],n=0;n<e.length;n++){var a=e[n],p=t.base?a[0]+t.base:a[0],f=i[p]||0,l="".concat(p," ").concat(f);i[p]=f+1;var c=r(l),s={css:a[1],media:a[2],sourceMap:a[3],supports:a[4],layer:a[5]};if(-1!==c)o[c].references++,o[c].updater(s);else{var u=function(e,o){var r=o.domAPI(o);return r.update(e),function(o){o?(o.css!==e.css||o.media!==e.media||o.sourceMap!==e.sourceMap||o.supports!==e.supports||o.layer!==e.layer)&&r.update(e=o):r.remove()}}(s,t);t.byIndex=n,o.splice(n,0,{identifier:l,updater:u,references:1})}d.push(l)}return d}e.exports=function(e,i){var d=t(e=e||[],i=i||{});return function(e){e=e||[];for(var n=0;n<d.length;n++){var a=r(d[n]);o[a].references--}for(var p=t(e,i),f=0;f<d.length;f++){var l=r(d[f]);0===o[l].references&&(o[l].updater(),o.splice(l,1))}d=p}}},7659(e){var o={};e.exports=function(e,r){var t=function(e){if(void 0===o[e]){var r=document.querySelector(e);if(window.HTMLIFrameElement&&r instanceof window.HTMLIFrameElement)try{r=r.contentDocument.head}catch(e){r=null}o[e]=r}return o[e]}(e);if(!t)throw Error("Couldn't find a style target. This probably means that the value for the 'insert' parameter is invalid.");t.appendChild(r)}},540(e){e.exports=function(e){var o=document.createElement("style");return e.setAttributes(o,e.attributes),e.insert(o,e.options),o}},5056(e,o,r){e.exports=function(e){var o=r.nc;o&&e.setAttribute("nonce",o)}},7825(e){e.exports=function(e){if("u"<typeof document)return{update:function(){},remove:function(){}};var o=e.insertStyleElement(e);return{update:function(r){var t,i,d;t="",r.supports&&(t+="@supports (".concat(r.supports,") {")),r.media&&(t+="@media ".concat(r.media," {")),(i=void 0!==r.layer)&&(t+="@layer".concat(r.layer.length>0?" ".concat(r.layer):""," {")),t+=r.css,i&&(t+="}"),r.media&&(t+="}"),r.supports&&(t+="}"),(d=r.sourceMap)&&"u">typeof btoa&&(t+="\n/*# sourceMappingURL=data:application/json;base64,".concat(btoa(unescape(encodeURIComponent(JSON.stringify(d))))," */")),e.styleTagTransform(t,o,e.options)},remove:function(){var e;null===(e=o).parentNode||e.parentNode.removeChild(e)}}}},1113(e){e.exports=function(e,o){if(o.styleSheet)o.styleSheet.cssText=e;else{for(;o.firstChild;)o.removeChild(o.firstChild);o.appendChild(document.createTextNode(e))}}},7904(e,o,r){var t=r(5072),i=r.n(t),d=r(7825),n=r.n(d),a=r(7659),p=r.n(a),f=r(5056),l=r.n(f),c=r(540),s=r.n(c),u=r(1113),m=r.n(u),b=r(727),g={};g.styleTagTransform=m(),g.setAttributes=l(),g.insert=p().bind(null,"head"),g.domAPI=n(),g.insertStyleElement=s(),i()(b.A,g),b.A&&b.A.locals&&b.A.locals;var j=r(5289),h={};h.styleTagTransform=m(),h.setAttributes=l(),h.insert=p().bind(null,"head"),h.domAPI=n(),h.insertStyleElement=s(),i()(j.A,h),j.A&&j.A.locals&&j.A.locals;var v=r(7955),k={};k.styleTagTransform=m(),k.setAttributes=l(),k.insert=p().bind(null,"head"),k.domAPI=n(),k.insertStyleElement=s(),i()(v.A,k),v.A&&v.A.locals&&v.A.locals;var w=r(8475),y={};y.styleTagTransform=m(),y.setAttributes=l(),y.insert=p().bind(null,"head"),y.domAPI=n(),y.insertStyleElement=s(),i()(w.A,y),w.A&&w.A.locals&&w.A.locals}}]);