import { useTranslations } from "next-intl";
import { NotFoundCard } from "../not-found";

/** Inside the signed-in frame: a transfer or batch that does not exist, or an address that matches nothing. */
export default function SignedInNotFound() {
  const t = useTranslations("errors");
  return (
    <div className="flex justify-center py-10">
      <NotFoundCard title={t("notFoundTitle")} body={t("notFoundBody")} back={t("goToOverview")} />
    </div>
  );
}
